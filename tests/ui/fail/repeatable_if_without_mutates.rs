//! `repeatable_if` on an operation that changes nothing: such an operation is always
//! repeatable.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(repeatable_if(missing_ok))]
    fn probe(&self, missing_ok: bool) -> store::Result<()>;
}

fn main() {}
