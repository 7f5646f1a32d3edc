use super::*;

/// A single integer register: the textbook example.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Register(i32);

#[derive(Clone, Debug)]
enum RegOp {
    Write(i32),
    Read,
}

impl Model for Register {
    type Op = RegOp;
    type Ret = Option<i32>;
    fn step(&mut self, op: &RegOp) -> Option<i32> {
        match op {
            RegOp::Write(v) => {
                self.0 = *v;
                None
            }
            RegOp::Read => Some(self.0),
        }
    }
}

fn call(
    thread: usize,
    op: RegOp,
    ret: Option<i32>,
    invoke: u64,
    response: u64,
) -> Call<RegOp, Option<i32>> {
    Call {
        thread,
        op,
        ret,
        invoke,
        response,
    }
}

#[test]
fn overlapping_write_and_read_may_see_either_value() {
    // t0 writes 1 while t1 reads 1: the read may take effect after the write.
    let h = [
        call(0, RegOp::Write(1), None, 0, 3),
        call(1, RegOp::Read, Some(1), 1, 2),
    ];
    let order = check(&Register(0), &h).expect("linearizable");
    assert_eq!(order, [0, 1]);
}

// ANCHOR: read_after_write
#[test]
fn a_read_after_a_completed_write_must_see_it() {
    // The write returned (t=1) before the read began (t=2), yet the read saw
    // the old value: no order explains that.
    let h = [
        call(0, RegOp::Write(1), None, 0, 1),
        call(1, RegOp::Read, Some(0), 2, 3),
    ];
    let v = check(&Register(0), &h).expect_err("not linearizable");
    assert_eq!(v.explained, [0]);
    assert_eq!(v.contradicted, [(1, "Some(1)".to_owned())]);
    assert!(
        v.report.contains(
            "thread 1: Read returned Some(0), but a sequential object would return Some(1)"
        ),
        "{}",
        v.report
    );
    assert!(
        v.report.contains("thread 0:  [0-1]* Write(1) -> None"),
        "{}",
        v.report
    );
}
// ANCHOR_END: read_after_write

#[test]
fn reads_cannot_go_back_in_time() {
    // t0 writes 1 then 2; t1's reads overlap both writes but see 2 then 1.
    let h = [
        call(0, RegOp::Write(1), None, 0, 2),
        call(0, RegOp::Write(2), None, 3, 5),
        call(1, RegOp::Read, Some(2), 1, 6),
        call(1, RegOp::Read, Some(1), 7, 8),
    ];
    assert!(check(&Register(0), &h).is_err());
}

// ANCHOR: backtracks
#[test]
fn search_backtracks_to_find_the_only_order() {
    // Three overlapping calls; only Write(2), Read=2, Write(3), Read=3 fits.
    let h = [
        call(0, RegOp::Write(3), None, 0, 10),
        call(1, RegOp::Write(2), None, 1, 4),
        call(2, RegOp::Read, Some(2), 2, 5),
        call(2, RegOp::Read, Some(3), 6, 11),
    ];
    let order = check(&Register(0), &h).expect("linearizable");
    assert_eq!(order, [1, 2, 0, 3]);
}
// ANCHOR_END: backtracks

#[test]
fn recorder_times_are_ordered_and_per_thread() {
    let r: Recorder<RegOp, Option<i32>> = Recorder::new();
    let mut reg = Register(0);
    let t = r.thread(0);
    t.call(RegOp::Write(5), |op| reg.step(op));
    t.call(RegOp::Read, |op| reg.step(op));
    let h = r.history();
    assert_eq!(h.len(), 2);
    assert!(h[0].invoke < h[0].response && h[0].response < h[1].invoke);
    assert_eq!(h[1].ret, Some(5));
    check(&Register(0), &h).expect("a sequential history is linearizable");
}

#[test]
#[should_panic(expected = "too long to check")]
fn refuses_histories_over_the_limit() {
    let h: Vec<_> = (0..=MAX_CALLS as u64)
        .map(|i| call(0, RegOp::Read, Some(0), 2 * i, 2 * i + 1))
        .collect();
    let _ = check(&Register(0), &h);
}
