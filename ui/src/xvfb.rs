//! Test support: a virtual X screen of a given size with no window manager — what a kiosk's or a
//! wall display's X server is — and what a technician would look at on it: the root window as a
//! picture, the windows mapped on it, and a finger's touch (through the XTEST extension, which
//! reaches the program exactly as a touchscreen's pointer events do).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{self, ConnectionExt as _, ImageFormat, MapState};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

use crate::screen::Area;

/// An Xvfb server; stopped when dropped.
pub struct Xvfb {
    child: Child,
    /// `:N`, for the programs' `DISPLAY`.
    pub display: String,
    pub width: u32,
    pub height: u32,
    conn: RustConnection,
    root: xproto::Window,
}

impl Xvfb {
    /// Start a screen of `width`×`height` (24-bit); Xvfb picks a free display number itself and
    /// tells it on stdout (`-displayfd 1`), so parallel tests never collide.
    pub fn start(width: u32, height: u32) -> anyhow::Result<Xvfb> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .args(["-nolisten", "tcp", "-nocursor"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("Xvfb is not runnable (Debian package xvfb; tests/setup-tools installs it)")?;
        let mut line = String::new();
        let read =
            BufReader::new(child.stdout.take().context("Xvfb's stdout")?).read_line(&mut line);
        let n: u32 = match read.ok().and_then(|_| line.trim().parse().ok()) {
            Some(n) => n,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("Xvfb did not report its display number (got {line:?})");
            }
        };
        let display = format!(":{n}");
        let (conn, screen) = match x11rb::connect(Some(&display)) {
            Ok(c) => c,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("connecting to Xvfb {display}: {e}");
            }
        };
        let root = conn.setup().roots[screen].root;
        Ok(Xvfb {
            child,
            display,
            width,
            height,
            conn,
            root,
        })
    }

    /// Whether a window manager has announced itself (EWMH `_NET_SUPPORTING_WM_CHECK` on the
    /// root window).
    pub fn window_manager_running(&self) -> anyhow::Result<bool> {
        let atom = self
            .conn
            .intern_atom(true, b"_NET_SUPPORTING_WM_CHECK")?
            .reply()?
            .atom;
        if atom == 0 {
            return Ok(false);
        }
        let prop = self
            .conn
            .get_property(false, self.root, atom, xproto::AtomEnum::WINDOW, 0, 1)?
            .reply()?;
        Ok(prop.value_len > 0)
    }

    /// The top-level windows that are mapped (visible), with their place on the screen (under a
    /// window manager: their frames).
    pub fn windows(&self) -> anyhow::Result<Vec<Area>> {
        let tree = self.conn.query_tree(self.root)?.reply()?;
        let mut out = Vec::new();
        for w in tree.children {
            let Ok(attrs) = self.conn.get_window_attributes(w)?.reply() else {
                continue; // gone meanwhile
            };
            if attrs.map_state != MapState::VIEWABLE || attrs.override_redirect {
                continue;
            }
            let Ok(g) = self.conn.get_geometry(w)?.reply() else {
                continue;
            };
            out.push(Area {
                x: i32::from(g.x),
                y: i32::from(g.y),
                width: u32::from(g.width),
                height: u32::from(g.height),
            });
        }
        Ok(out)
    }

    /// What the screen shows: the root window's pixels, as `import -window root` takes them.
    pub fn grab(&self) -> anyhow::Result<Shot> {
        let (w, h) = (self.width as u16, self.height as u16);
        let reply = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, self.root, 0, 0, w, h, !0)?
            .reply()
            .context("reading the root window's image")?;
        // Depth 24 in Z format comes as 32 bits a pixel, blue first (little-endian BGRX).
        let px = usize::from(w) * usize::from(h);
        if reply.data.len() < px * 4 {
            bail!(
                "unexpected root image: {} bytes for {w}x{h} at depth {}",
                reply.data.len(),
                reply.depth
            );
        }
        let rgb = reply
            .data
            .chunks_exact(4)
            .take(px)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect();
        Ok(Shot {
            width: self.width,
            height: self.height,
            rgb,
        })
    }

    /// A finger's tap at (`x`, `y`) on the screen: move there, press, release.
    pub fn tap(&self, x: i32, y: i32) -> anyhow::Result<()> {
        let (x, y) = (x as i16, y as i16);
        self.conn
            .xtest_fake_input(xproto::MOTION_NOTIFY_EVENT, 0, 0, self.root, x, y, 0)?;
        self.conn
            .xtest_fake_input(xproto::BUTTON_PRESS_EVENT, 1, 0, self.root, x, y, 0)?;
        self.conn
            .xtest_fake_input(xproto::BUTTON_RELEASE_EVENT, 1, 0, self.root, x, y, 0)?;
        self.conn.flush()?;
        // A round trip: the server has processed the fake input before we return.
        self.conn.get_input_focus()?.reply()?;
        Ok(())
    }

    /// Type `text` as a USB keyboard does (a barcode scanner is one): a key press and release for
    /// each character through XTest, to whichever window has the keyboard; `\n` is Return. Only
    /// characters the server's keymap has without a modifier: lower-case letters, digits, `-`.
    pub fn type_text(&self, text: &str) -> anyhow::Result<()> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)?
            .reply()?;
        let per = usize::from(map.keysyms_per_keycode.max(1));
        let keycode = |keysym: u32| {
            map.keysyms
                .chunks(per)
                .position(|syms| syms.first() == Some(&keysym))
                .and_then(|i| u8::try_from(usize::from(min) + i).ok())
        };
        for c in text.chars() {
            // Latin-1 keysyms are the characters' own codes; Return is XK_Return.
            let keysym = if c == '\n' { 0xff0d } else { u32::from(c) };
            let code = keycode(keysym).with_context(|| format!("no key types {c:?}"))?;
            for event in [xproto::KEY_PRESS_EVENT, xproto::KEY_RELEASE_EVENT] {
                self.conn
                    .xtest_fake_input(event, code, 0, self.root, 0, 0, 0)?;
            }
        }
        self.conn.flush()?;
        self.conn.get_input_focus()?.reply()?;
        Ok(())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A picture of the whole screen.
pub struct Shot {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Shot {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// The smallest rectangle holding every run of at least `min_run` pixels in a row within
    /// `tolerance` (per channel) of `color`, if there is one: where a wide control of that
    /// colour (a button) is on the screen, ignoring small things of the same colour (a logo).
    pub fn bounds_of(&self, color: [u8; 3], tolerance: u8, min_run: u32) -> Option<Area> {
        let near = |p: [u8; 3]| (0..3).all(|i| p[i].abs_diff(color[i]) <= tolerance);
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for y in 0..self.height {
            let mut run_start = None;
            for x in 0..=self.width {
                let hit = x < self.width && near(self.pixel(x, y));
                match (hit, run_start) {
                    (true, None) => run_start = Some(x),
                    (false, Some(start)) => {
                        if x - start >= min_run {
                            (x0, y0, x1, y1) = (x0.min(start), y0.min(y), x1.max(x - 1), y1.max(y));
                        }
                        run_start = None;
                    }
                    _ => {}
                }
            }
        }
        (x0 <= x1).then(|| Area {
            x: x0 as i32,
            y: y0 as i32,
            width: x1 - x0 + 1,
            height: y1 - y0 + 1,
        })
    }

    /// How many pixels differ from `other` (same size).
    pub fn differing_pixels(&self, other: &Shot) -> usize {
        self.rgb
            .chunks_exact(3)
            .zip(other.rgb.chunks_exact(3))
            .filter(|(a, b)| a != b)
            .count()
    }

    /// Save as PNG, scaled down by an integer `shrink` (1 = as is) so a 4K screen does not make a
    /// 20 MB file in docs/.
    pub fn save_png(&self, path: &Path, shrink: u32) -> anyhow::Result<()> {
        let shrink = shrink.max(1);
        let (w, h) = (self.width / shrink, self.height / shrink);
        let mut data = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                data.extend_from_slice(&self.pixel(x * shrink, y * shrink));
            }
        }
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        enc.write_header()?.write_image_data(&data)?;
        Ok(())
    }
}

/// The command line a shipped systemd unit starts under `xinit` (`ExecStart=/usr/bin/xinit
/// PROGRAM ARGS -- :0 …`), and its `Environment=` settings: what a test must run to run the
/// program "as installed".
#[derive(Debug)]
pub struct UnitCommand {
    /// The installed program's path, e.g. `/usr/local/bin/kiosk`.
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl UnitCommand {
    pub fn read(unit: &Path) -> anyhow::Result<UnitCommand> {
        let text =
            std::fs::read_to_string(unit).with_context(|| format!("reading {}", unit.display()))?;
        let mut env = Vec::new();
        let mut exec = None;
        for line in text.lines().map(str::trim) {
            if let Some(v) = line.strip_prefix("Environment=") {
                for kv in v.split_whitespace() {
                    if let Some((k, v)) = kv.split_once('=') {
                        env.push((k.to_string(), v.to_string()));
                    }
                }
            } else if let Some(v) = line.strip_prefix("ExecStart=") {
                exec = Some(v.to_string());
            }
        }
        let exec = exec.with_context(|| format!("{}: no ExecStart=", unit.display()))?;
        let words: Vec<&str> = exec.split_whitespace().collect();
        let Some((first, rest)) = words.split_first() else {
            bail!("{}: empty ExecStart=", unit.display());
        };
        if !first.ends_with("/xinit") {
            bail!(
                "{}: ExecStart= does not start the program under xinit: {exec}",
                unit.display()
            );
        }
        let client: Vec<&str> = rest.iter().copied().take_while(|w| *w != "--").collect();
        let Some((program, args)) = client.split_first() else {
            bail!("{}: no program after xinit", unit.display());
        };
        Ok(UnitCommand {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env,
        })
    }
}

/// A program started as the unit starts it; killed when dropped.
pub struct Installed {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Installed {
    /// Start `binary` (the build of the program `unit` runs) with the unit's arguments and
    /// environment on `x`; the unit's config file, named in `config_var`, is replaced by `config`.
    pub fn start(
        unit: &Path,
        config_var: &str,
        config: &Path,
        binary: &Path,
        x: &Xvfb,
    ) -> anyhow::Result<Installed> {
        let unit = UnitCommand::read(unit)?;
        if Path::new(&unit.program).file_name() != binary.file_name() {
            bail!("the unit starts {}, not {}", unit.program, binary.display());
        }
        let mut cmd = Command::new(binary);
        cmd.args(&unit.args);
        let mut configured = false;
        for (k, v) in &unit.env {
            if k == config_var {
                // The unit's config lives in /etc/antri/; the test's is the same file elsewhere.
                cmd.env(k, config);
                configured = true;
            } else {
                cmd.env(k, v);
            }
        }
        if !configured {
            bail!("the unit does not name its config in {config_var}");
        }
        cmd.env("DISPLAY", &x.display)
            .env_remove("SLINT_SCALE_FACTOR")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let log = Arc::new(Mutex::new(String::new()));
        for mut pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = log.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        Ok(Installed { child, log })
    }

    /// Everything it wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
