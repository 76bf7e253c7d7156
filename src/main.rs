fn main() {
    virtsh::shell::completion::shell_entry_point();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(virtsh::app::main(&args));
}
