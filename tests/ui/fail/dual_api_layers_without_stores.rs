//! `layers` names the operation table, which only `stores(..)` generates.
#[store::dual_api(layers)]
pub trait Backend: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
}

fn main() {}
