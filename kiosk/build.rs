//! Compiles the kiosk's Slint UI with debug info (tests find elements by accessible label) and
//! bundles its translations. The `.slint` source strings are English; Bahasa Indonesia, which
//! visitors see first, is `ui/translations/id/LC_MESSAGES/kiosk.po`. No per-component context, so
//! a sentence used on two screens is translated once.
fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_bundled_translations("../ui/translations");
    slint_build::compile_with_config("../ui/kiosk/main.slint", config).expect("kiosk UI compiles");
}
