//! What the lru-cache stages share: the sequential model the cache must
//! behave like, and random operations to drive both.

#![allow(dead_code)]

use kata_test::jitter::Jitter;
use lru_cache::LruCache;

/// The sequential specification: entries in recency order, most recent first.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Lru {
    pub capacity: usize,
    pub order: Vec<(u8, u32)>,
}

#[derive(Clone, Debug)]
pub enum Op {
    Get(u8),
    Put(u8, u32),
    Len,
}

#[derive(Clone, PartialEq, Debug)]
pub enum Ret {
    Value(Option<u32>),
    Done,
    Len(usize),
}

impl Lru {
    pub fn new(capacity: usize) -> Self {
        Lru {
            capacity,
            order: Vec::new(),
        }
    }
}

impl lincheck::Model for Lru {
    type Op = Op;
    type Ret = Ret;

    fn step(&mut self, op: &Op) -> Ret {
        match *op {
            Op::Get(k) => match self.order.iter().position(|(key, _)| *key == k) {
                Some(i) => {
                    let e = self.order.remove(i);
                    self.order.insert(0, e);
                    Ret::Value(Some(e.1))
                }
                None => Ret::Value(None),
            },
            Op::Put(k, v) => {
                if let Some(i) = self.order.iter().position(|(key, _)| *key == k) {
                    self.order.remove(i);
                } else if self.order.len() == self.capacity {
                    self.order.pop();
                }
                self.order.insert(0, (k, v));
                Ret::Done
            }
            Op::Len => Ret::Len(self.order.len()),
        }
    }
}

/// Performs `op` on the cache under test.
pub fn apply(cache: &LruCache<u8, u32>, op: &Op) -> Ret {
    match *op {
        Op::Get(k) => Ret::Value(cache.get(&k)),
        Op::Put(k, v) => {
            cache.put(k, v);
            Ret::Done
        }
        Op::Len => Ret::Len(cache.len()),
    }
}

/// A random operation on keys `0..keys`; values are unique per call so a
/// stale value can never pass for a fresh one.
pub fn random_op(rng: &mut Jitter, keys: u8, next_value: &mut u32) -> Op {
    match rng.below(10) {
        0..=3 => Op::Get(rng.below(u64::from(keys)) as u8),
        4..=8 => {
            *next_value += 1;
            Op::Put(rng.below(u64::from(keys)) as u8, *next_value)
        }
        _ => Op::Len,
    }
}
