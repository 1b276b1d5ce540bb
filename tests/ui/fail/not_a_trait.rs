//! The attribute on a struct.

#[store::dual_api]
pub struct Api {
    inner: u8,
}

fn main() {}
