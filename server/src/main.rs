//! The `authlevel` binary.

fn main() -> std::process::ExitCode {
    authlevel_server::cli::main()
}
