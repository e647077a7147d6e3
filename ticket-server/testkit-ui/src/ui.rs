//! A program's Slint windows in a test: Slint's testing backend, and a window's picture.

use std::path::Path;

/// Slint's testing backend with the software renderer, so windows can be snapshotted to PNG, and
/// mock time, so nothing on screen moves by itself between two looks. The platform is per thread,
/// and the test harness runs each test on its own thread.
pub fn init_ui() {
    let _ = slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
        i_slint_backend_testing::TestingBackendOptions {
            mock_time: true,
            threading: false,
            renderer_name: Some("software".into()),
        },
    )));
}

/// Render the window as it is to a PNG file.
pub fn snapshot(window: &slint::Window, path: &Path) {
    window.request_redraw();
    let shot = window.take_snapshot().expect("snapshot");
    antri_testkit::shots::save_png(path, shot.width(), shot.height(), shot.as_bytes());
}
