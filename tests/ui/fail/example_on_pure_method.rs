//! An `# Examples` section on a method the stores do not generate, where nothing would show it.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    /// The name.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(1, 1);
    /// ```
    #[store(pure)]
    fn name(&self) -> &'static str;
}

fn main() {}
