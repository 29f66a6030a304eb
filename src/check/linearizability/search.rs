//! Wing & Gong's search for a linearization, with Lowe's memoisation, over one
//! key's sub-history (the structure of Porcupine's `checkSingle`).
//!
//! The history is a list of call and return entries in time order. The search
//! walks it from the front: at a call it tries to linearize that operation now
//! (the model accepts it in the current state), and if so *lifts* the call and its
//! return out of the list and starts again from the front; reaching a return
//! means the operation it closes should already have been linearized, so the
//! search backtracks: it *unlifts* the last linearized operation and tries the
//! next candidate after it. The list empty = every operation linearized.
//!
//! Lowe's cache remembers each (set of linearized operations, model state) pair
//! already reached: reaching one again cannot lead anywhere new, which turns the
//! exponential search into one that is usually close to linear.

use super::register::{ABSENT, RegisterOp, State};
use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchResult {
    Linearizable,
    NotLinearizable,
    /// The step budget ran out first: no verdict.
    OutOfBudget,
}

/// Searches for a linearization of `ops`, spending at most `*budget` steps
/// (one step = one look at an entry); the steps used are taken off `*budget`.
pub fn search(ops: &[RegisterOp], budget: &mut u64) -> SearchResult {
    let mut list = EntryList::new(ops);
    let mut linearized = Bitset::new(ops.len());
    // Only looked up, never iterated: a fixed-key hasher keeps it deterministic anyway.
    let mut cache: HashSet<(Bitset, State), BuildHasherDefault<DefaultHasher>> = HashSet::default();
    // The operations linearized so far (their call entries) with the state before each.
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut state = ABSENT;
    let mut entry = list.first();
    while list.first() != END {
        if *budget == 0 {
            return SearchResult::OutOfBudget;
        }
        *budget -= 1;
        let Entry { op, partner, .. } = list.entries[entry];
        if partner != END {
            // A call: try to linearize its operation here.
            if let Some(next_state) = ops[op].step(state) {
                linearized.set(op);
                if cache.insert((linearized.clone(), next_state)) {
                    stack.push((entry, state));
                    state = next_state;
                    list.lift(entry);
                    entry = list.first();
                    continue;
                }
                linearized.clear(op);
            }
            entry = list.entries[entry].next;
        } else {
            // A return whose operation is not linearized yet: undo the last choice.
            let Some((call, previous_state)) = stack.pop() else {
                return SearchResult::NotLinearizable;
            };
            state = previous_state;
            linearized.clear(list.entries[call].op);
            list.unlift(call);
            entry = list.entries[call].next;
        }
    }
    SearchResult::Linearizable
}

/// "No entry": the end of the list, or a return entry's missing partner.
const END: usize = usize::MAX;
/// The list's head sentinel lives at index 0.
const HEAD: usize = 0;

#[derive(Clone, Copy, Debug)]
struct Entry {
    op: usize,
    /// For a call: its return entry. For a return: `END`.
    partner: usize,
    prev: usize,
    next: usize,
}

/// Call and return entries in time order, as a doubly linked list over a `Vec`
/// so that lifting an operation out and putting it back are O(1).
struct EntryList {
    entries: Vec<Entry>,
}

impl EntryList {
    /// Calls before returns at equal times: operations that touch at an instant
    /// count as concurrent (the permissive reading, as Porcupine does).
    fn new(ops: &[RegisterOp]) -> Self {
        let mut order: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * ops.len());
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call, false, i));
            order.push((op.ret, true, i));
        }
        order.sort_unstable();
        let mut entries = vec![Entry {
            op: END,
            partner: END,
            prev: END,
            next: END,
        }];
        let mut return_entry = vec![END; ops.len()];
        for &(_, is_return, op) in order.iter().rev() {
            // Built back to front, so a call's return entry already exists.
            let index = entries.len();
            let partner = if is_return {
                return_entry[op] = index;
                END
            } else {
                return_entry[op]
            };
            entries.push(Entry {
                op,
                partner,
                prev: END,
                next: END,
            });
        }
        // Link HEAD then the entries in time order (they were pushed in reverse).
        let mut prev = HEAD;
        for index in (1..entries.len()).rev() {
            entries[prev].next = index;
            entries[index].prev = prev;
            prev = index;
        }
        EntryList { entries }
    }

    fn first(&self) -> usize {
        self.entries[HEAD].next
    }

    fn unlink(&mut self, index: usize) {
        let Entry { prev, next, .. } = self.entries[index];
        self.entries[prev].next = next;
        if next != END {
            self.entries[next].prev = prev;
        }
    }

    fn relink(&mut self, index: usize) {
        let Entry { prev, next, .. } = self.entries[index];
        self.entries[prev].next = index;
        if next != END {
            self.entries[next].prev = index;
        }
    }

    /// Takes a call and its return out of the list.
    fn lift(&mut self, call: usize) {
        self.unlink(call);
        self.unlink(self.entries[call].partner);
    }

    /// Puts back the most recently lifted operation (lifts undo in LIFO order).
    fn unlift(&mut self, call: usize) {
        self.relink(self.entries[call].partner);
        self.relink(call);
    }
}

/// The set of linearized operations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Bitset(Vec<u64>);

impl Bitset {
    fn new(bits: usize) -> Self {
        Bitset(vec![0; bits.div_ceil(64)])
    }

    fn set(&mut self, bit: usize) {
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn clear(&mut self, bit: usize) {
        self.0[bit / 64] &= !(1 << (bit % 64));
    }
}
