//! Compiles the display's Slint UI (with debug info, so tests find elements by accessible label) and
//! embeds the recorded announcement clips, so the display speaks with no files beside it.
//!
//! Every word on the display is an `@tr` string. The display shows Bahasa Indonesia and English
//! together (everyone reads the same screen), so both are source strings: the Indonesian line's
//! in Indonesian, the English line's in English, and both are in the program whatever the
//! language, so no catalogue is bundled (slint-build refuses an empty one). A building that wants
//! another language would add `ui/translations/<lang>/LC_MESSAGES/counter-display.po` and bundle it
//! here as the kiosk's build.rs does.
use std::{env, fmt::Write as _, fs, path::Path};

fn main() {
    let config = slint_build::CompilerConfiguration::new().with_debug_info(true);
    slint_build::compile_with_config("../ui/display/main.slint", config)
        .expect("display UI compiles");
    embed_clips();
}

/// Writes `$OUT_DIR/clips.rs`: `CLIPS: &[(name, bytes)]` for every WAV under assets/audio.
fn embed_clips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/audio");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut names = Vec::new();
    collect(&root, &root, &mut names);
    names.sort();
    let mut src = String::from("pub static CLIPS: &[(&str, &[u8])] = &[\n");
    for (name, path) in names {
        println!("cargo:rerun-if-changed={}", path);
        writeln!(src, "    ({name:?}, include_bytes!({path:?})),").unwrap();
    }
    src.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("clips.rs");
    fs::write(out, src).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "wav") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let name = rel.to_string_lossy().replace('\\', "/");
            let abs = path.canonicalize().unwrap();
            out.push((name, abs.to_string_lossy().into_owned()));
        }
    }
}
