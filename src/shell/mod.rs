//! The shell: the tokenizer, completion, and the interactive loop.

pub mod completion;
pub mod remote_names;
pub mod repl;
pub mod tokenizer;
