//! A vector whose bulk is shared between clones: the items sit in fixed-size
//! chunks behind reference counts, so cloning costs one count per chunk
//! (O(len / CHUNK)), not a copy of every item. A chunk is copied only when a
//! clone writes to it while another still holds it (copy-on-write), which for
//! the append-mostly logs of a run means the tail chunk, once per clone.
//!
//! This is what makes a `World` cheap to checkpoint for time travel: the node
//! logs, the checker's shadows and its client history grow with the run, and
//! most of them never change once written.
//!
//! Order, equality and iteration are those of the plain vector it stands for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// Items per chunk: a power of two, so an index splits with a shift and a mask.
pub const CHUNK: usize = 32;

#[derive(Clone)]
pub struct Chunked<T> {
    /// Every chunk but the last holds exactly [`CHUNK`] items; the last holds
    /// `1..=CHUNK`. There is never an empty chunk.
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The item at 0-based `i`, if any.
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        Some(&self.chunks[i / CHUNK][i % CHUNK])
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The items in order (exact-size and double-ended, like a slice's).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.range(0, self.len)
    }

    /// The items at 0-based `start..end` (clamped to what exists), in order.
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        let end = end.min(self.len);
        (start.min(end)..end).map(move |i| &self.chunks[i / CHUNK][i % CHUNK])
    }

    /// The first index whose item fails `pred`, given that `pred` holds on a
    /// prefix and fails after it (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self.chunks[mid / CHUNK][mid % CHUNK]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl<T: Clone> Chunked<T> {
    pub fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            let mut chunk = Vec::with_capacity(CHUNK);
            chunk.push(item);
            self.chunks.push(Arc::new(chunk));
        } else {
            let tail = self.chunks.last_mut().expect("a partial chunk exists");
            Arc::make_mut(tail).push(item);
        }
        self.len += 1;
    }

    /// The item at `i` to change in place (its chunk copied first if shared).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        Some(&mut Arc::make_mut(&mut self.chunks[i / CHUNK])[i % CHUNK])
    }

    /// Keeps the first `len` items.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let chunks = len.div_ceil(CHUNK);
        self.chunks.truncate(chunks);
        if let Some(tail) = self.chunks.last_mut() {
            let keep = len - (chunks - 1) * CHUNK;
            if tail.len() > keep {
                Arc::make_mut(tail).truncate(keep);
            }
        }
        self.len = len;
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

impl<T: Clone> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut out = Chunked::new();
        for item in items {
            out.push(item);
        }
        out
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;

    /// The item at 0-based `i`; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &T {
        assert!(i < self.len, "index {i} past the end ({})", self.len);
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialised as the plain sequence it stands for.
impl<T: Serialize> Serialize for Chunked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Clone> Deserialize<'de> for Chunked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Chunked::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_vector_across_chunk_edges() {
        let mut c = Chunked::new();
        let mut v = Vec::new();
        for i in 0..(3 * CHUNK + 7) {
            c.push(i);
            v.push(i);
        }
        assert_eq!(c.to_vec(), v);
        for len in [3 * CHUNK + 7, 3 * CHUNK, 2 * CHUNK + 1, CHUNK, 5, 0] {
            c.truncate(len);
            v.truncate(len);
            assert_eq!(c.to_vec(), v);
            assert_eq!(c.len(), v.len());
            assert_eq!(c.last(), v.last());
            c.push(99);
            v.push(99);
            assert_eq!(c.to_vec(), v);
        }
        assert_eq!(c.iter().rev().copied().collect::<Vec<_>>(), {
            let mut r = v.clone();
            r.reverse();
            r
        });
    }

    #[test]
    fn a_clone_shares_chunks_and_writes_do_not_leak_between_clones() {
        let mut a: Chunked<u32> = (0..1000).collect();
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        a.push(1000);
        *a.get_mut(3).unwrap() = 7;
        a.truncate(600);
        assert_eq!(b.len(), 1000);
        assert_eq!(b.get(3), Some(&3));
        assert_eq!(b.get(999), Some(&999));
        assert_eq!(a.get(3), Some(&7));
        // Only the written chunk was copied.
        assert!(Arc::ptr_eq(&a.chunks[1], &b.chunks[1]));
    }

    #[test]
    fn partition_point_matches_the_slice_one() {
        let c: Chunked<u32> = (0..700).map(|i| i * 2).collect();
        let v = c.to_vec();
        for x in [0, 1, 2, 511, 512, 1398, 1399, 5000] {
            assert_eq!(c.partition_point(|&y| y < x), v.partition_point(|&y| y < x));
        }
    }
}
