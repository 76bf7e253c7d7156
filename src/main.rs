fn main() {
    virtsh::shell::completion::shell_entry_point();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(virtsh::app::main(&args));
}
