//! What the time-map stages share: the sequential model and random operations.

#![allow(dead_code)]

use std::collections::BTreeMap;

use kata_test::jitter::Jitter;
use time_map::TimeMap;

/// The sequential specification: per key, versions by timestamp.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Tm {
    pub keys: BTreeMap<u8, BTreeMap<u64, u32>>,
}

#[derive(Clone, Debug)]
pub enum Op {
    Set(u8, u32, u64),
    Get(u8, u64),
    /// `update(key, t, |v| v.unwrap_or(0) + 1)`.
    Incr(u8, u64),
}

#[derive(Clone, PartialEq, Debug)]
pub enum Ret {
    Done,
    Value(Option<u32>),
}

impl lincheck::Model for Tm {
    type Op = Op;
    type Ret = Ret;

    fn step(&mut self, op: &Op) -> Ret {
        match *op {
            Op::Set(k, v, t) => {
                self.keys.entry(k).or_default().insert(t, v);
                Ret::Done
            }
            Op::Get(k, t) => Ret::Value(
                self.keys
                    .get(&k)
                    .and_then(|vs| vs.range(..=t).next_back().map(|(_, v)| *v)),
            ),
            Op::Incr(k, t) => {
                let vs = self.keys.entry(k).or_default();
                let next = vs.range(..=t).next_back().map_or(0, |(_, v)| *v) + 1;
                vs.insert(t, next);
                Ret::Done
            }
        }
    }
}

pub fn apply(map: &TimeMap<u8, u32>, op: &Op) -> Ret {
    match *op {
        Op::Set(k, v, t) => {
            map.set(k, v, t);
            Ret::Done
        }
        Op::Get(k, t) => Ret::Value(map.get(&k, t)),
        Op::Incr(k, t) => {
            map.update(k, t, |v| v.copied().unwrap_or(0) + 1);
            Ret::Done
        }
    }
}

/// A random operation on keys `0..keys` and timestamps `1..=times`.
pub fn random_op(rng: &mut Jitter, keys: u8, times: u64, next_value: &mut u32) -> Op {
    let k = rng.below(u64::from(keys)) as u8;
    let t = 1 + rng.below(times);
    match rng.below(10) {
        0..=3 => {
            *next_value += 100;
            Op::Set(k, *next_value, t)
        }
        4..=7 => Op::Get(k, t),
        _ => Op::Incr(k, t),
    }
}
