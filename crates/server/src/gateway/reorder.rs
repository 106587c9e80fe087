//! One channel's delivery order: persistent events go out in seq order, each once. An event that
//! arrives before the ones preceding it waits; the hub fills the gap from the event log when the
//! bus does not bring the missing ones soon enough. Pure: no clock, no IO.

use std::collections::BTreeMap;

pub struct ChannelOrder<T> {
    /// The next seq to deliver.
    next_seq: i64,
    /// Events that arrived before the ones preceding them.
    early: BTreeMap<i64, T>,
    /// A gap fill is scheduled and has not reported back.
    filling: bool,
}

/// What to do with an offered event.
#[derive(Debug, PartialEq)]
pub enum Offer<T> {
    /// Deliver these, in this order (the offered event and whatever waited for it).
    Deliver(Vec<(i64, T)>),
    /// Seen before: drop it.
    Duplicate,
    /// Early: kept. `fill` is true when a gap fill must be scheduled now.
    Early { fill: bool },
}

impl<T> ChannelOrder<T> {
    pub fn new(next_seq: i64) -> ChannelOrder<T> {
        ChannelOrder { next_seq, early: BTreeMap::new(), filling: false }
    }

    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }

    pub fn offer(&mut self, seq: i64, item: T) -> Offer<T> {
        if seq < self.next_seq || (seq > self.next_seq && self.early.contains_key(&seq)) {
            return Offer::Duplicate;
        }
        if seq > self.next_seq {
            self.early.insert(seq, item);
            let fill = !self.filling;
            self.filling = true;
            return Offer::Early { fill };
        }
        let mut ready = vec![(seq, item)];
        self.next_seq = seq + 1;
        self.drain_into(&mut ready);
        Offer::Deliver(ready)
    }

    /// The gap to read from the log: (after this seq, this many events), if there still is one.
    pub fn gap(&self) -> Option<(i64, i64)> {
        let first_early = *self.early.keys().next()?;
        (first_early > self.next_seq).then_some((self.next_seq - 1, first_early - self.next_seq))
    }

    /// The gap fill's result: the events read from the log (any order, any overlap). Returns
    /// what to deliver now. A gap the log could not fill is skipped, so that what waits behind
    /// it is not held forever (clients repair such gaps from the log themselves).
    pub fn filled(&mut self, fetched: Vec<(i64, T)>) -> (Vec<(i64, T)>, bool) {
        self.filling = false;
        for (seq, item) in fetched {
            if seq >= self.next_seq {
                self.early.entry(seq).or_insert(item);
            }
        }
        let mut ready = Vec::new();
        self.drain_into(&mut ready);
        let mut skipped = false;
        while let Some(&first) = self.early.keys().next() {
            self.next_seq = first;
            self.drain_into(&mut ready);
            skipped = true;
        }
        (ready, skipped)
    }

    fn drain_into(&mut self, ready: &mut Vec<(i64, T)>) {
        while let Some(item) = self.early.remove(&self.next_seq) {
            ready.push((self.next_seq, item));
            self.next_seq += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(offer: Offer<&str>) -> Vec<i64> {
        match offer {
            Offer::Deliver(items) => items.into_iter().map(|(s, _)| s).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn in_order_events_go_out_at_once_and_repeats_are_dropped() {
        let mut order = ChannelOrder::new(5);
        assert_eq!(seqs(order.offer(5, "a")), vec![5]);
        assert_eq!(order.offer(5, "a"), Offer::Duplicate);
        assert_eq!(order.offer(4, "old"), Offer::Duplicate);
        assert_eq!(seqs(order.offer(6, "b")), vec![6]);
        assert_eq!(order.next_seq(), 7);
    }

    #[test]
    fn early_events_wait_for_the_missing_one_and_ask_for_one_fill() {
        let mut order = ChannelOrder::new(1);
        assert_eq!(order.offer(3, "c"), Offer::Early { fill: true });
        assert_eq!(order.offer(4, "d"), Offer::Early { fill: false }, "one fill at a time");
        assert_eq!(order.offer(3, "c"), Offer::Duplicate);
        assert_eq!(order.gap(), Some((0, 2)), "after seq 0, two events");
        assert_eq!(seqs(order.offer(1, "a")), vec![1]);
        assert_eq!(seqs(order.offer(2, "b")), vec![2, 3, 4], "the bus brought them late");
        assert_eq!(order.gap(), None);
    }

    #[test]
    fn a_gap_fill_delivers_what_the_log_had() {
        let mut order = ChannelOrder::new(10);
        assert_eq!(order.offer(13, "m"), Offer::Early { fill: true });
        assert_eq!(order.gap(), Some((9, 3)));
        let (ready, skipped) = order.filled(vec![(11, "k"), (10, "j"), (12, "l"), (9, "old")]);
        assert_eq!(
            ready.iter().map(|(s, i)| (*s, *i)).collect::<Vec<_>>(),
            vec![(10, "j"), (11, "k"), (12, "l"), (13, "m")]
        );
        assert!(!skipped);
        assert_eq!(order.next_seq(), 14);
    }

    #[test]
    fn a_gap_the_log_cannot_fill_is_skipped_and_a_new_one_asks_again() {
        let mut order = ChannelOrder::new(1);
        assert_eq!(order.offer(4, "d"), Offer::Early { fill: true });
        let (ready, skipped) = order.filled(vec![(2, "b")]);
        assert_eq!(ready.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![2, 4], "1 and 3 never came");
        assert!(skipped);
        assert_eq!(order.offer(7, "g"), Offer::Early { fill: true }, "a later gap asks again");
    }
}
