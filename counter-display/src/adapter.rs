//! The Slint side: a [`Frame`] (plain data, built by the worker) written into the screens'
//! `DisplayAdapter` global, and paging of lists too long for one screen.
//!
//! Everything here runs on the UI thread. Long lists (30+ lokets, 60+ services) are shown a page at
//! a time; the page turns every [`PAGE_SECONDS`] (a timer in `main`, a direct call in tests).

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::hall::{CallLine, HallView, LoketState, LoketTile, WaitingRow};
use crate::{
    CallItem, DisplayAdapter, HallWindow, LoketItem, LoketStatus, LoketWindow, WaitingItem,
};

/// Must match `HallLayout` in ui/display/hall.slint: 2 columns x 5 rows of lokets.
pub const LOKETS_PER_PAGE: usize = 10;
/// Rows of the waiting list that fit the hall screen.
pub const WAITING_PER_PAGE: usize = 8;
/// Previous calls shown under "Sebelumnya".
pub const RECENT_SHOWN: usize = 5;
/// How long a page of lokets or waiting counts stays before the next one.
pub const PAGE_SECONDS: u64 = 8;

/// What the screens show at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    pub hall: HallView,
    /// Loket mode: the display's own loket.
    pub loket: Option<LoketTile>,
    pub date: String,
    pub time: String,
    pub offline: bool,
    pub running_text: String,
}

/// Page `page` (wrapping) of `items`, and its "2/3" label (empty when one page holds all).
pub fn page_of<T: Clone>(items: &[T], per_page: usize, page: usize) -> (Vec<T>, String) {
    let pages = items.len().div_ceil(per_page).max(1);
    let p = page % pages;
    let slice = items
        .iter()
        .skip(p * per_page)
        .take(per_page)
        .cloned()
        .collect();
    let label = if pages > 1 {
        format!("{}/{}", p + 1, pages)
    } else {
        String::new()
    };
    (slice, label)
}

fn status(s: LoketState) -> LoketStatus {
    match s {
        LoketState::Idle => LoketStatus::Idle,
        LoketState::Called => LoketStatus::Called,
        LoketState::Serving => LoketStatus::Serving,
        LoketState::Paused => LoketStatus::Paused,
        LoketState::Closed => LoketStatus::Closed,
    }
}

fn loket_item(t: &LoketTile) -> LoketItem {
    LoketItem {
        number: t.number as i32,
        current: t.current.as_str().into(),
        service: t.service_name.as_str().into(),
        status: status(t.state),
    }
}

fn call_item(c: &CallLine) -> CallItem {
    CallItem {
        number: c.number.as_str().into(),
        counter: c.counter as i32,
        service: c.service_name.as_str().into(),
        recall: c.recall,
    }
}

fn waiting_item(w: &WaitingRow) -> WaitingItem {
    WaitingItem {
        prefix: w.prefix.as_str().into(),
        label: w.label.as_str().into(),
        count: w.count as i32,
        booked: w.booked as i32,
    }
}

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn set_common(a: &DisplayAdapter<'_>, f: &Frame) {
    a.set_building_name(f.hall.building.as_str().into());
    a.set_date_text(f.date.as_str().into());
    a.set_time_text(f.time.as_str().into());
    a.set_offline(f.offline);
    a.set_running_text(f.running_text.as_str().into());
}

/// The hall screen and its paging position.
pub struct HallScreen {
    pub window: HallWindow,
    frame: Frame,
    page: usize,
}

impl HallScreen {
    pub fn new(window: HallWindow) -> HallScreen {
        HallScreen {
            window,
            frame: Frame::default(),
            page: 0,
        }
    }

    pub fn set_logo(&self, logo: slint::Image) {
        let a = self.window.global::<DisplayAdapter>();
        a.set_logo(logo);
        a.set_has_logo(true);
    }

    /// Show a new frame (keeps the current page).
    pub fn show(&mut self, frame: Frame) {
        self.frame = frame;
        self.render();
    }

    /// Turn to the next page of lokets and waiting counts.
    pub fn next_page(&mut self) {
        self.page = self.page.wrapping_add(1);
        self.render();
    }

    fn render(&self) {
        let a = self.window.global::<DisplayAdapter>();
        let f = &self.frame;
        set_common(&a, f);
        match &f.hall.newest {
            Some(c) => {
                a.set_has_newest(true);
                a.set_newest_number(c.number.as_str().into());
                a.set_newest_counter(c.counter as i32);
                a.set_newest_service(c.service_name.as_str().into());
                // Only a change matters (it starts the blink), so wrapping is harmless.
                a.set_newest_seq((c.seq % i32::MAX as u64) as i32);
            }
            None => {
                a.set_has_newest(false);
                a.set_newest_number(SharedString::new());
                a.set_newest_service(SharedString::new());
            }
        }
        let recent: Vec<CallItem> = f
            .hall
            .recent
            .iter()
            .take(RECENT_SHOWN)
            .map(call_item)
            .collect();
        a.set_recent(model(recent));
        let (lokets, label) = page_of(&f.hall.lokets, LOKETS_PER_PAGE, self.page);
        a.set_lokets(model(lokets.iter().map(loket_item).collect()));
        a.set_loket_page(label.into());
        let (waiting, label) = page_of(&f.hall.waiting, WAITING_PER_PAGE, self.page);
        a.set_waiting(model(waiting.iter().map(waiting_item).collect()));
        a.set_waiting_booked_legend(waiting.iter().any(|w| w.booked > 0));
        a.set_waiting_page(label.into());
        a.set_waiting_by_agency(f.hall.waiting_by_agency);
    }
}

/// Show a frame on the loket screen.
pub fn show_loket(window: &LoketWindow, f: &Frame) {
    let a = window.global::<DisplayAdapter>();
    set_common(&a, f);
    if let Some(t) = &f.loket {
        a.set_loket(loket_item(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_wrap_and_are_labelled() {
        let items: Vec<u32> = (1..=23).collect();
        assert_eq!(page_of(&items, 10, 0), ((1..=10).collect(), "1/3".into()));
        assert_eq!(page_of(&items, 10, 2), ((21..=23).collect(), "3/3".into()));
        assert_eq!(page_of(&items, 10, 3).1, "1/3");
        assert_eq!(
            page_of(&items[..10], 10, 5),
            ((1..=10).collect(), String::new())
        );
        assert_eq!(page_of::<u32>(&[], 10, 1), (vec![], String::new()));
    }
}
