use proc_macro::TokenStream; #[proc_macro_attribute] pub fn dual_api(_a: TokenStream, i: TokenStream) -> TokenStream { i }
