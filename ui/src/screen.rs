//! How a window fills its screen.
//!
//! Kiosks and wall displays run under a bare X server started by their systemd unit (`xinit
//! program -- :0`), with no window manager. A full-screen request (`_NET_WM_STATE_FULLSCREEN`)
//! is a message *to* a window manager, so there it does nothing and the window stays at its
//! default size in the top-left corner. The program therefore asks the X server for the monitor's
//! size itself and opens its window exactly over it; where a window manager does run, the
//! full-screen request is made as well, so it also hides panels and decorations.
//!
//! The screens are laid out for one size per orientation (the kiosk for 1080×1920 and
//! 1920×1080, the loket display for 1024×600 …). On any other monitor the window's scale factor
//! makes that design fit: the layout gets at least its design size in logical pixels in both
//! directions, so nothing is cut off, and a 4K TV shows the same picture twice as sharp.

use std::fmt;
use std::str::FromStr;

use x11rb::connection::Connection;
use x11rb::protocol::randr::ConnectionExt as _;

/// A rectangle of the X screen, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}{:+}{:+}", self.width, self.height, self.x, self.y)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("geometry {given:?}: {why} (expected WIDTHxHEIGHT+X+Y, e.g. 1080x1920+0+0)")]
pub struct GeometryError {
    given: String,
    why: &'static str,
}

/// The X11 geometry syntax (`1024x600+0+0`; the offset may be left out), the one `xterm
/// -geometry` takes, so a technician can place a window by hand.
impl FromStr for Area {
    type Err = GeometryError;

    fn from_str(s: &str) -> Result<Area, GeometryError> {
        let err = |why| GeometryError {
            given: s.to_string(),
            why,
        };
        let (size, offset) = match s.find(['+', '-']) {
            Some(i) => s.split_at(i),
            None => (s, ""),
        };
        let (w, h) = size
            .split_once('x')
            .ok_or_else(|| err("no 'x' in the size"))?;
        let dim = |v: &str| match v.parse::<u32>() {
            Ok(n) if (MIN_SIDE..=MAX_SIDE).contains(&n) => Ok(n),
            Ok(_) => Err(err("width and height must be 100–16384 pixels")),
            Err(_) => Err(err("width and height must be whole numbers")),
        };
        let (width, height) = (dim(w)?, dim(h)?);
        let (x, y) = if offset.is_empty() {
            (0, 0)
        } else {
            // "+X+Y", each sign belonging to its number.
            let second = offset[1..]
                .find(['+', '-'])
                .map(|i| i + 1)
                .ok_or_else(|| err("the offset needs both +X and +Y"))?;
            let (x, y) = offset.split_at(second);
            let pos = |v: &str| match v.parse::<i32>() {
                Ok(n) if n.unsigned_abs() <= MAX_SIDE => Ok(n),
                _ => Err(err("the offset must be whole numbers within ±16384")),
            };
            (pos(x)?, pos(y)?)
        };
        Ok(Area {
            x,
            y,
            width,
            height,
        })
    }
}

const MIN_SIDE: u32 = 100;
const MAX_SIDE: u32 = 16_384;

/// The size, in logical pixels, a window's content was laid out for, per orientation.
#[derive(Clone, Copy, Debug)]
pub struct Design {
    pub portrait: (u32, u32),
    pub landscape: (u32, u32),
    /// The shape of a plain window on a desktop (`--windowed`): portrait for a kiosk.
    pub windowed_portrait: bool,
}

impl Design {
    /// The scale factor at which this design fills `width`×`height` physical pixels without
    /// cutting anything off: the smaller of the two ratios, so the layout gets at least the
    /// design's size in both directions (and more in one, which the layouts absorb).
    pub fn scale_for(&self, width: u32, height: u32) -> f32 {
        let (dw, dh) = if height > width {
            self.portrait
        } else {
            self.landscape
        };
        let s = (width as f32 / dw as f32).min(height as f32 / dh as f32);
        // Two decimals: a factor like 0.7114583 gains nothing and makes fractional pixel edges.
        ((s * 100.0).floor() / 100.0).max(0.25)
    }
}

impl Design {
    /// A desktop window of the design's shape: its own size where the monitor has room, else as
    /// large as fits 90 % of the monitor, centred.
    fn window_on(&self, monitor: Area) -> Area {
        let (dw, dh) = if self.windowed_portrait {
            self.portrait
        } else {
            self.landscape
        };
        let s = (0.9 * monitor.width as f32 / dw as f32)
            .min(0.9 * monitor.height as f32 / dh as f32)
            .min(1.0);
        let (width, height) = ((dw as f32 * s) as u32, (dh as f32 * s) as u32);
        Area {
            x: monitor.x + (monitor.width.saturating_sub(width) / 2) as i32,
            y: monitor.y + (monitor.height.saturating_sub(height) / 2) as i32,
            width,
            height,
        }
    }
}

/// Where the window goes: over the whole monitor (how kiosks and displays are installed), a plain
/// window of the design's shape on a desktop, or one given rectangle (the demo places its windows
/// side by side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    FullScreen,
    Windowed,
    Window(Area),
}

/// The decided place and scale of a window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub area: Area,
    pub scale: f32,
    /// Also ask a window manager, if one runs, for full screen.
    pub fullscreen: bool,
}

impl Fit {
    /// Decide where the window goes; `monitor` is asked only for [`Placement::FullScreen`].
    pub fn decide(
        placement: Placement,
        design: &Design,
        monitor: impl FnOnce() -> Result<Area, ScreenError>,
    ) -> Result<Fit, ScreenError> {
        let (area, fullscreen) = match placement {
            Placement::FullScreen => (monitor()?, true),
            Placement::Windowed => (design.window_on(monitor()?), false),
            Placement::Window(a) => (a, false),
        };
        Ok(Fit {
            area,
            scale: design.scale_for(area.width, area.height),
            fullscreen,
        })
    }

    /// Size, place and scale `window` before it is shown. The scale factor reaches Slint's winit
    /// backend through `SLINT_SCALE_FACTOR`, read when the window is created; a factor the
    /// technician set there wins. Call this before the program starts any thread (it sets an
    /// environment variable).
    pub fn apply(&self, window: &slint::Window) {
        if std::env::var_os("SLINT_SCALE_FACTOR").is_none() {
            std::env::set_var("SLINT_SCALE_FACTOR", self.scale.to_string());
        }
        window.set_position(slint::PhysicalPosition::new(self.area.x, self.area.y));
        window.set_size(slint::PhysicalSize::new(self.area.width, self.area.height));
        if self.fullscreen {
            window.set_fullscreen(true);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("cannot reach the X display {display:?} to learn the screen's size: {why}")]
    Connect { display: String, why: String },
    #[error("the X server did not answer: {0}")]
    Protocol(String),
}

/// The monitor the window belongs on: RandR's primary monitor (or its first, when none is marked
/// primary), or the whole X screen where RandR knows no monitors (Xvfb without RandR outputs, old
/// servers). A rotated monitor (`xrandr --rotate left`) reports its rotated size.
pub fn monitor() -> Result<Area, ScreenError> {
    let display = std::env::var("DISPLAY").unwrap_or_default();
    let (conn, screen_num) = x11rb::connect(None).map_err(|e| ScreenError::Connect {
        display: display.clone(),
        why: e.to_string(),
    })?;
    let root = &conn.setup().roots[screen_num];
    let whole = Area {
        x: 0,
        y: 0,
        width: u32::from(root.width_in_pixels),
        height: u32::from(root.height_in_pixels),
    };
    let monitors = conn
        .randr_get_monitors(root.root, true)
        .ok()
        .and_then(|c| c.reply().ok());
    let chosen = monitors.and_then(|m| {
        let first = m
            .monitors
            .iter()
            .find(|m| m.primary)
            .or(m.monitors.first())?;
        Some(Area {
            x: i32::from(first.x),
            y: i32::from(first.y),
            width: u32::from(first.width),
            height: u32::from(first.height),
        })
    });
    Ok(chosen
        .filter(|a| a.width > 0 && a.height > 0)
        .unwrap_or(whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIOSK: Design = Design {
        portrait: (1080, 1920),
        landscape: (1920, 1080),
        windowed_portrait: true,
    };
    const LOKET: Design = Design {
        portrait: (600, 1024),
        landscape: (1024, 600),
        windowed_portrait: false,
    };

    #[test]
    fn geometry_is_read_as_x11_writes_it() {
        assert_eq!(
            "1080x1920+0+0".parse(),
            Ok(Area {
                x: 0,
                y: 0,
                width: 1080,
                height: 1920
            })
        );
        assert_eq!(
            "800x600-10+20".parse(),
            Ok(Area {
                x: -10,
                y: 20,
                width: 800,
                height: 600
            })
        );
        assert_eq!("640x480".parse::<Area>().map(|a| (a.x, a.y)), Ok((0, 0)));
        let a: Area = "1366x768+10+0".parse().unwrap();
        assert_eq!(a.to_string(), "1366x768+10+0");
    }

    #[test]
    fn bad_geometry_says_what_is_wrong() {
        for (bad, says) in [
            ("1080", "no 'x'"),
            ("axb", "whole numbers"),
            ("99999x10", "100–16384"),
            ("1080x1920+5", "both +X and +Y"),
            ("1080x1920+5+y", "offset"),
            ("", "no 'x'"),
        ] {
            let e = bad.parse::<Area>().unwrap_err().to_string();
            assert!(e.contains(says), "{bad:?}: {e}");
            assert!(e.contains("e.g. 1080x1920+0+0"), "{e}");
        }
    }

    #[test]
    fn a_design_fills_screens_of_every_shape_without_cutting() {
        for (design, w, h, scale) in [
            (KIOSK, 1080, 1920, 1.0),
            (KIOSK, 1920, 1080, 1.0),
            (KIOSK, 2160, 3840, 2.0),
            (KIOSK, 1366, 768, 0.71),
            (LOKET, 1024, 600, 1.0),
            (LOKET, 1366, 768, 1.28),
            (LOKET, 3840, 2160, 3.6),
        ] {
            let s = design.scale_for(w, h);
            assert!((s - scale).abs() < 1e-6, "{w}x{h}: {s}");
            let (dw, dh) = if h > w {
                design.portrait
            } else {
                design.landscape
            };
            // The logical size the layout gets is never below the design in either direction.
            assert!(w as f32 / s >= dw as f32 - 0.5 && h as f32 / s >= dh as f32 - 0.5);
        }
    }

    #[test]
    fn full_screen_asks_the_monitor_and_a_window_does_not() {
        let tv = Area {
            x: 0,
            y: 0,
            width: 3840,
            height: 2160,
        };
        let fit = Fit::decide(Placement::FullScreen, &LOKET, || Ok(tv)).unwrap();
        assert_eq!((fit.area, fit.fullscreen), (tv, true));
        let place: Area = "540x960+0+60".parse().unwrap();
        let fit = Fit::decide(Placement::Window(place), &KIOSK, || {
            panic!("a placed window must not ask the monitor")
        })
        .unwrap();
        assert_eq!((fit.area, fit.fullscreen, fit.scale), (place, false, 0.5));
    }

    #[test]
    fn a_desktop_window_has_the_design_shape_and_fits_the_monitor() {
        let desktop = Area {
            x: 0,
            y: 0,
            width: 1920,
            height: 1080,
        };
        let fit = Fit::decide(Placement::Windowed, &KIOSK, || Ok(desktop)).unwrap();
        assert!(!fit.fullscreen);
        assert!(fit.area.height <= 972 && fit.area.width * 16 / 9 <= fit.area.height + 2);
        assert!(fit.area.y >= 0 && fit.area.y as u32 + fit.area.height <= 1080);
        let fit = Fit::decide(Placement::Windowed, &LOKET, || Ok(desktop)).unwrap();
        assert_eq!(
            (fit.area.width, fit.area.height, fit.scale),
            (1024, 600, 1.0)
        );
    }
}
