//! `repeatable_if` names an argument of its method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(mutates, repeatable_if(overwrite))]
    fn remove(&self, missing_ok: bool) -> store::Result<()>;
}

fn main() {}
