//! A `mut` argument binding.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    fn f(&self, mut offset: u64) -> store::Result<()> {
        offset += 1;
        let _ = offset;
        Ok(())
    }
}

fn main() {}
