//! The wasm bundle: hydrates the islands of the server-rendered page.

// The islands' entry points are exported from `app`: linking the crate keeps them in the bundle.
extern crate app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Islands: only the interactive parts of a page ship wasm; the rest stays server HTML.
    leptos::mount::hydrate_islands();
}
