//! Real parts for the kiosk's tests beyond the shared kit (`antri-testkit`: the ticket server
//! in-process, the sample building's tokens, and the kiosk's Slint UI under the testing backend
//! driven by accessible labels): the `emupos` printer emulator (a third-party program from PyPI)
//! on TCP and on a pty, `zbarimg` to read the QR code from the emulator's picture of the ticket,
//! and a photo-like picture of a ticket.
#![allow(dead_code, unused_imports)] // each test file uses a different part of this kit

use std::net::{TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Proc, Stdio};
use std::time::{Duration, Instant};

pub use antri_testkit::shots::save_png;
pub use antri_testkit::{
    block_on, screenshot_path, shots, wait_for, workspace, Server, DISPLAY_HALL_TOKEN,
    KIOSK_2_TOKEN, KIOSK_TOKEN, OPEN_TUESDAY,
};
pub use antri_testkit_ui::kiosk_ui::{init_ui, logo, TicketTiming, Ui, AGENCY, SERVICE};
use antri_wire::{DeviceReport, PrinterStatus};
use kiosk::printer::uri::PrinterUri;

// ---- the printer emulator -------------------------------------------------------------------

pub fn emupos_path() -> PathBuf {
    let p = std::env::var_os("ANTRI_EMUPOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv/bin/emupos"));
    assert!(
        p.exists(),
        "the printer emulator is missing at {}.\nInstall it with:\n  \
         /root/.pyenv/versions/3.13.0/bin/python -m venv .venv && .venv/bin/pip install emupos==0.4.*\n\
         (from the workspace root), or point ANTRI_EMUPOS at an emupos executable.",
        p.display()
    );
    p
}

pub fn zbarimg(png: &Path) -> String {
    let out = Proc::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg not runnable ({e}); install Debian's zbar-tools"));
    assert!(
        out.status.success(),
        "zbarimg found no QR code in {}",
        png.display()
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One emulated ESC/POS printer (`kiosk`), reachable on TCP and through a pty.
pub struct Emupos {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub api: String,
    pub tcp_port: u16,
    api_port: u16,
}

impl Emupos {
    pub fn start() -> Emupos {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Emupos {
            child: None,
            dir,
            api: String::new(),
            tcp_port: free_port(),
            api_port: free_port(),
        };
        e.api = format!("http://127.0.0.1:{}", e.api_port);
        e.launch();
        e
    }

    fn launch(&mut self) {
        let cfg = self.dir.path().join("emupos.yaml");
        std::fs::write(
            &cfg,
            format!(
                "schema: 1\napi: {{ host: 127.0.0.1, port: {api} }}\ndevices:\n  - id: kiosk\n    type: printer\n    \
                 profile: epson-tm-t20iii\n    connections:\n      - tcp: {{ host: 127.0.0.1, port: {tcp} }}\n      \
                 - serial: {{ pty: true, link: kioskpty }}\n    job_idle_timeout_ms: 500\n    receipts_dir: {dir}\n",
                api = self.api_port,
                tcp = self.tcp_port,
                dir = self.receipts_dir().display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(self.dir.path().join("emupos.log")).unwrap();
        let child = Proc::new(emupos_path())
            .args(["run", "--config"])
            .arg(&cfg)
            .env("TMPDIR", self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("emupos starts");
        self.child = Some(child);
        let (api, tcp) = (self.api_port, self.tcp_port);
        let deadline = Instant::now() + Duration::from_secs(30);
        let up = |p: u16| TcpStream::connect(("127.0.0.1", p)).is_ok();
        while !(up(api) && up(tcp) && self.pty().exists()) {
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.path().join("emupos.log")).unwrap_or_default();
                panic!("emupos did not start within 30 s; its output:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn receipts_dir(&self) -> PathBuf {
        self.dir.path().join("receipts")
    }

    /// The serial side: emupos publishes its pty at `$TMPDIR/emupos/<link>`.
    pub fn pty(&self) -> PathBuf {
        self.dir.path().join("emupos").join("kioskpty")
    }

    pub fn tcp_uri(&self) -> PrinterUri {
        format!("tcp:127.0.0.1:{}", self.tcp_port).parse().unwrap()
    }

    /// Through the link, like `/dev/serial/by-id/...` on a real kiosk: it survives a restart.
    pub fn serial_uri(&self) -> PrinterUri {
        format!("serial:{}?baud=19200", self.pty().display())
            .parse()
            .unwrap()
    }

    /// `emupos fault set|clear kiosk <fault>` through its own CLI, as a person would.
    pub fn fault(&self, on: bool, fault: &str) {
        let out = Proc::new(emupos_path())
            .args([
                "--api",
                &self.api,
                "fault",
                if on { "set" } else { "clear" },
                "kiosk",
                fault,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "emupos fault: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Completed receipts (their ids), oldest first.
    pub fn receipts(&self) -> Vec<String> {
        antri_testkit::receipts(&self.receipts_dir())
    }

    pub fn receipt_text(&self, id: &str) -> String {
        std::fs::read_to_string(self.receipts_dir().join(format!("{id}.txt"))).unwrap()
    }

    pub fn receipt_png(&self, id: &str) -> PathBuf {
        self.receipts_dir().join(format!("{id}.png"))
    }

    pub fn wait_receipt(&self, before: usize) -> String {
        wait_for("a completed receipt", Duration::from_secs(10), || {
            let r = self.receipts();
            (r.len() > before).then(|| r.last().unwrap().clone())
        })
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // A printer switched off leaves no device behind, as a USB serial adapter's
        // /dev/serial/by-id link goes when it is unplugged. A stale link would point at a pty
        // number the kernel soon hands to another test's emulator, and the kiosk would print there.
        let _ = std::fs::remove_file(self.pty());
    }

    /// Power the printer back on: same ports, same pty link name.
    pub fn restart(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(self.pty());
        self.launch();
    }
}

impl Drop for Emupos {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The printer status the server last heard from the kiosk, waited for.
pub fn wait_report(server: &Server, want: PrinterStatus) -> DeviceReport {
    wait_for(
        &format!("the server to show printer {want:?}"),
        Duration::from_secs(10),
        || {
            server
                .device_report("kiosk-1")
                .filter(|r| r.printer == want)
        },
    )
}

/// A photo-like picture of a printed ticket: the emulator's render on warm thermal paper with a
/// cut edge and a shadow, on a desk. For the README: people recognise a ticket, not a bitmap.
pub fn ticket_photo(src: &Path, dst: &Path) {
    let mut dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(src).unwrap()));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let ch = info.color_type.samples();
    // Blank paper above and below the print, as the cutter leaves it.
    let (pad_top, pad_bottom) = (24usize, 40usize);
    let ink_at = |x: usize, y: usize| {
        y >= pad_top && y < pad_top + h && buf[((y - pad_top) * w + x) * ch] < 128
    };
    let h = h + pad_top + pad_bottom;

    let (margin, cw) = (90usize, w + 180);
    let ch_total = h + 180;
    let mut out = vec![0u8; cw * ch_total * 4];
    let mut seed = 0x2545F491u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 9) as i32 - 4
    };
    // Sawtooth of the cutter/tear bar, 10 px wide teeth, 6 px deep.
    let tooth = |x: usize| {
        (if (x / 10).is_multiple_of(2) {
            x % 10
        } else {
            10 - x % 10
        }) * 6
            / 10
    };
    for y in 0..ch_total {
        for x in 0..cw {
            // Desk: dark warm grey, lighter towards the top.
            let shade = 58 - (y * 20 / ch_total) as i32;
            let mut px = [shade + 8, shade + 2, shade - 4];
            // Soft shadow below-right of the paper.
            let (sx, sy) = (x as i32 - margin as i32 - 14, y as i32 - margin as i32 - 18);
            if sx >= -10 && sy >= -10 && sx < w as i32 + 10 && sy < h as i32 + 10 {
                let edge = [sx + 10, sy + 10, w as i32 + 10 - sx, h as i32 + 10 - sy]
                    .into_iter()
                    .min()
                    .unwrap()
                    .min(20);
                for c in &mut px {
                    *c -= edge * 2 / 3;
                }
            }
            let (px_x, px_y) = (x as i32 - margin as i32, y as i32 - margin as i32);
            let on_paper = px_x >= 0
                && px_y >= 0
                && (px_x as usize) < w
                && (px_y as usize) < h
                && (px_y as usize) >= tooth(px_x as usize)
                && (h - 1 - px_y as usize) >= tooth(px_x as usize + 5);
            if on_paper {
                let n = noise();
                px = if ink_at(px_x as usize, px_y as usize) {
                    [40 + n, 40 + n, 46 + n]
                } else {
                    [250 + n / 2, 246 + n / 2, 236 + n / 2]
                };
            }
            let o = (y * cw + x) * 4;
            for (i, c) in px.iter().enumerate() {
                out[o + i] = (*c).clamp(0, 255) as u8;
            }
            out[o + 3] = 255;
        }
    }
    save_png(dst, cw as u32, ch_total as u32, &out);
}
