//! Where the launcher finds, at run time, the files it does not embed: Antri's `assets/` folder
//! (the logo the kiosk prints on each ticket) and, beside it in a checkout, `.venv/` (the printer
//! emulator) and `tests/setup-tools` (which installs it).
//!
//! Found at run time, not through the build's `CARGO_MANIFEST_DIR`, so a launcher built in one
//! place and run from another (a copied binary, a shared target directory) still finds the
//! checkout it is run in, and says clearly when there is none.

use std::path::{Path, PathBuf};

use anyhow::bail;

/// The file that marks a folder as Antri's `assets/`: the sample building every demo starts.
const MARK: &str = "antri.example.toml";

#[derive(Debug, Clone)]
pub struct Assets {
    dir: PathBuf,
}

impl Assets {
    /// `given` (`--assets`) if it holds Antri's assets; else the first `assets/` that does in the
    /// current directory or one above it, then beside the executable or one above it (so
    /// `target/release/antri-demo` of a checkout finds the checkout's).
    pub fn locate(given: Option<&Path>) -> anyhow::Result<Assets> {
        let cwd = std::env::current_dir().ok();
        let exe = std::env::current_exe().ok();
        Assets::locate_from(given, cwd.as_deref(), exe.as_deref())
    }

    fn locate_from(
        given: Option<&Path>,
        cwd: Option<&Path>,
        exe: Option<&Path>,
    ) -> anyhow::Result<Assets> {
        if let Some(dir) = given {
            if dir.join(MARK).is_file() {
                return Ok(Assets {
                    dir: absolute(dir, cwd),
                });
            }
            bail!(
                "--assets {}: not Antri's assets folder (it has no {MARK}); pass the assets/ \
                 folder of an Antri checkout",
                dir.display()
            );
        }
        let starts = [cwd, exe.and_then(Path::parent)];
        let looked: Vec<PathBuf> = starts
            .into_iter()
            .flatten()
            .flat_map(Path::ancestors)
            .map(|d| d.join("assets"))
            .collect();
        match looked.iter().find(|d| d.join(MARK).is_file()) {
            Some(dir) => Ok(Assets { dir: dir.clone() }),
            None => bail!(
                "cannot find Antri's assets/ folder (with {MARK}) in the current directory, the \
                 executable's, or any folder above them; run antri-demo inside an Antri checkout \
                 or pass --assets <checkout>/assets"
            ),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The logo printed at the top of each ticket.
    pub fn logo(&self) -> PathBuf {
        self.dir.join("printer/logo.png")
    }

    /// The folder that holds `assets/`: in a checkout, where `.venv/` and `tests/setup-tools` are.
    pub fn checkout(&self) -> PathBuf {
        self.dir
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

fn absolute(p: &Path, cwd: Option<&Path>) -> PathBuf {
    match cwd {
        Some(cwd) if p.is_relative() => cwd.join(p),
        _ => p.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkout at `root` with its assets marked, and a folder inside it.
    fn checkout(root: &Path) -> PathBuf {
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::write(root.join("assets").join(MARK), "").unwrap();
        let inside = root.join("tests/demo");
        std::fs::create_dir_all(&inside).unwrap();
        inside
    }

    #[test]
    fn found_above_the_current_directory_before_beside_the_executable() {
        let here = tempfile::tempdir().unwrap();
        let built = tempfile::tempdir().unwrap();
        let inside = checkout(here.path());
        checkout(built.path());
        let exe = built.path().join("target/release/antri-demo");
        let a = Assets::locate_from(None, Some(&inside), Some(&exe)).unwrap();
        assert_eq!(a.dir(), here.path().join("assets"));
        assert_eq!(a.checkout(), here.path());
        assert_eq!(a.logo(), here.path().join("assets/printer/logo.png"));
    }

    #[test]
    fn found_beside_the_executable_when_run_from_elsewhere() {
        let elsewhere = tempfile::tempdir().unwrap();
        let built = tempfile::tempdir().unwrap();
        checkout(built.path());
        let exe = built.path().join("target/release/antri-demo");
        let a = Assets::locate_from(None, Some(elsewhere.path()), Some(&exe)).unwrap();
        assert_eq!(a.dir(), built.path().join("assets"));
    }

    #[test]
    fn a_given_folder_wins_and_a_wrong_one_is_named() {
        let here = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let inside = checkout(here.path());
        checkout(other.path());
        let given = other.path().join("assets");
        let a = Assets::locate_from(Some(&given), Some(&inside), None).unwrap();
        assert_eq!(a.dir(), given);
        let e = Assets::locate_from(Some(&inside), Some(&inside), None).unwrap_err();
        assert!(e.to_string().contains("--assets"), "{e}");
    }

    #[test]
    fn none_found_says_how_to_point_at_them() {
        let elsewhere = tempfile::tempdir().unwrap();
        let e = Assets::locate_from(None, Some(elsewhere.path()), None).unwrap_err();
        assert!(e.to_string().contains("--assets"), "{e}");
    }
}
