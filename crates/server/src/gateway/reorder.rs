//! One channel's delivery order: persistent events go out in seq order, each once. An event that
//! arrives before the ones preceding it waits; the hub fills the gap from the event log when the
//! bus does not bring the missing ones soon enough. Nothing is ever delivered past a missing
//! event: the log has every seq below the channel's last (a seq is taken and its event written
//! in one transaction), so a gap is only ever late, and the next fill finds it. Pure: no clock,
//! no IO.

use std::collections::BTreeMap;

pub struct ChannelOrder<T> {
    /// The next seq to deliver.
    next_seq: i64,
    /// Events that arrived before the ones preceding them.
    early: BTreeMap<i64, T>,
    /// The fill scheduled and not yet reported back, by number: a report of an older one (a
    /// task that outlived its order) is ignored.
    filling: Option<u64>,
    fills: u64,
}

/// What to do with an offered event.
#[derive(Debug, PartialEq)]
pub enum Offer<T> {
    /// Deliver these, in this order (the offered event and whatever waited for it).
    Deliver(Vec<(i64, T)>),
    /// Seen before: drop it.
    Duplicate,
    /// Early: kept. `fill` names the gap fill to schedule now, if one must be.
    Early { fill: Option<u64> },
}

impl<T> ChannelOrder<T> {
    pub fn new(next_seq: i64) -> ChannelOrder<T> {
        ChannelOrder { next_seq, early: BTreeMap::new(), filling: None, fills: 0 }
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
            return Offer::Early { fill: self.start_fill() };
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

    /// Starts a fill unless one is under way; its number.
    fn start_fill(&mut self) -> Option<u64> {
        if self.filling.is_some() {
            return None;
        }
        self.fills += 1;
        self.filling = Some(self.fills);
        self.filling
    }

    /// Fill `fill`'s result: the events read from the log (any order, any overlap). Returns what
    /// to deliver now, and the next fill to schedule if events still wait behind a gap (ones
    /// that arrived early while this fill was reading).
    pub fn filled(&mut self, fill: u64, fetched: Vec<(i64, T)>) -> (Vec<(i64, T)>, Option<u64>) {
        if self.filling != Some(fill) {
            return (Vec::new(), None);
        }
        self.filling = None;
        for (seq, item) in fetched {
            if seq >= self.next_seq {
                self.early.entry(seq).or_insert(item);
            }
        }
        let mut ready = Vec::new();
        self.drain_into(&mut ready);
        let again = if self.early.is_empty() { None } else { self.start_fill() };
        (ready, again)
    }

    /// The log could not be read for fill `fill`: schedule the next (the number), keeping what
    /// waits.
    pub fn fill_failed(&mut self, fill: u64) -> Option<u64> {
        if self.filling != Some(fill) {
            return None;
        }
        self.filling = None;
        self.start_fill()
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
        assert_eq!(order.offer(3, "c"), Offer::Early { fill: Some(1) });
        assert_eq!(order.offer(4, "d"), Offer::Early { fill: None }, "one fill at a time");
        assert_eq!(order.offer(3, "c"), Offer::Duplicate);
        assert_eq!(order.gap(), Some((0, 2)), "after seq 0, two events");
        assert_eq!(seqs(order.offer(1, "a")), vec![1]);
        assert_eq!(seqs(order.offer(2, "b")), vec![2, 3, 4], "the bus brought them late");
        assert_eq!(order.gap(), None);
        assert_eq!(order.filled(1, Vec::new()), (Vec::new(), None), "the fill finds nothing left to do");
    }

    #[test]
    fn a_gap_fill_delivers_what_the_log_had() {
        let mut order = ChannelOrder::new(10);
        assert_eq!(order.offer(13, "m"), Offer::Early { fill: Some(1) });
        assert_eq!(order.gap(), Some((9, 3)));
        let (ready, again) = order.filled(1, vec![(11, "k"), (10, "j"), (12, "l"), (9, "old")]);
        assert_eq!(
            ready.iter().map(|(s, i)| (*s, *i)).collect::<Vec<_>>(),
            vec![(10, "j"), (11, "k"), (12, "l"), (13, "m")]
        );
        assert_eq!(again, None);
        assert_eq!(order.next_seq(), 14);
    }

    /// 5 is missing and 6 waits; while the fill reads 5, 8 arrives and 7 (someone leaving, say)
    /// is still on its way. 8 must not go out before 7: the fill delivers 5 and 6, and asks for
    /// another fill for 7.
    #[test]
    fn nothing_is_delivered_past_a_gap_that_opened_during_a_fill() {
        let mut order = ChannelOrder::new(5);
        assert_eq!(order.offer(6, "f"), Offer::Early { fill: Some(1) });
        assert_eq!(order.offer(8, "h"), Offer::Early { fill: None });
        let (ready, again) = order.filled(1, vec![(5, "e")]);
        assert_eq!(ready.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(again, Some(2), "8 still waits behind 7");
        assert_eq!(order.gap(), Some((6, 1)));
        assert_eq!(seqs(order.offer(7, "g")), vec![7, 8], "7 arrives and both go out in order");
    }

    #[test]
    fn a_failed_or_stale_fill_delivers_nothing() {
        let mut order = ChannelOrder::new(1);
        assert_eq!(order.offer(3, "c"), Offer::Early { fill: Some(1) });
        assert_eq!(order.fill_failed(1), Some(2), "the log was unreadable: try again");
        assert_eq!(
            order.filled(1, vec![(1, "a"), (2, "b")]),
            (Vec::new(), None),
            "a stale report is ignored"
        );
        let (ready, _) = order.filled(2, vec![(1, "a"), (2, "b")]);
        assert_eq!(ready.len(), 3);
    }
}
