//! The `authlevel` binary, built inside the test package so the end-to-end
//! suite can start it as a real process.

fn main() -> std::process::ExitCode {
    authlevel_server::cli::main()
}
