//! Where the demo's windows go on an ordinary desktop: the portrait kiosk on the left at the
//! desktop's full usable height, the landscape hall display beside it in the width that is left,
//! each scaled to fit by the programs themselves (`antri_ui::screen`), nothing covering anything.

use antri_ui::screen::Area;

/// Room left at the top and bottom for a desktop's panels and the windows' title bars.
const MARGIN: u32 = 40;
const GAP: u32 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub kiosk: Area,
    pub display: Area,
}

/// The two windows side by side on `desktop`.
pub fn side_by_side(desktop: Area) -> Layout {
    let usable_h = desktop.height.saturating_sub(2 * MARGIN).max(200);
    // The kiosk is 9:16 (1080×1920).
    let kiosk_h = usable_h;
    let kiosk_w = kiosk_h * 9 / 16;
    let kiosk = Area {
        x: desktop.x + GAP as i32,
        y: desktop.y + MARGIN as i32,
        width: kiosk_w,
        height: kiosk_h,
    };
    // The hall display is 16:9 (1920×1080), in the rest of the width.
    let left = GAP + kiosk_w + GAP;
    let mut display_w = desktop.width.saturating_sub(left + GAP).max(200);
    let mut display_h = display_w * 9 / 16;
    if display_h > usable_h {
        display_h = usable_h;
        display_w = display_h * 16 / 9;
    }
    let display = Area {
        x: desktop.x + left as i32,
        y: desktop.y + MARGIN as i32,
        width: display_w,
        height: display_h,
    };
    Layout { kiosk, display }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: Area, b: Area) -> bool {
        a.x < b.x + b.width as i32
            && b.x < a.x + a.width as i32
            && a.y < b.y + b.height as i32
            && b.y < a.y + a.height as i32
    }

    fn inside(a: Area, d: Area) -> bool {
        a.x >= d.x
            && a.y >= d.y
            && a.x + a.width as i32 <= d.x + d.width as i32
            && a.y + a.height as i32 <= d.y + d.height as i32
    }

    #[test]
    fn both_windows_fit_every_ordinary_desktop_without_covering_each_other() {
        for (w, h) in [
            (1920, 1080),
            (1366, 768),
            (1280, 720),
            (2560, 1440),
            (1600, 900),
        ] {
            let d = Area {
                x: 0,
                y: 0,
                width: w,
                height: h,
            };
            let l = side_by_side(d);
            assert!(inside(l.kiosk, d) && inside(l.display, d), "{w}x{h}: {l:?}");
            assert!(!overlap(l.kiosk, l.display), "{w}x{h}: {l:?}");
            // Big enough to use: the kiosk at least a third of its design height, the display a
            // third of its design width.
            assert!(l.kiosk.height >= 1920 / 3, "{w}x{h}: {l:?}");
            assert!(l.display.width >= 1920 / 3, "{w}x{h}: {l:?}");
            // Shapes kept: 9:16 and 16:9 within a pixel's rounding.
            assert!((l.kiosk.width * 16).abs_diff(l.kiosk.height * 9) <= 16);
            assert!((l.display.width * 9).abs_diff(l.display.height * 16) <= 16);
        }
    }

    #[test]
    fn on_1920x1080_the_windows_are_large() {
        let l = side_by_side(Area {
            x: 0,
            y: 0,
            width: 1920,
            height: 1080,
        });
        assert_eq!((l.kiosk.width, l.kiosk.height), (562, 1000));
        assert_eq!((l.display.width, l.display.height), (1310, 736));
    }
}
