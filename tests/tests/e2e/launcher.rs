//! The DynamoDB Local launcher: it never takes another server for its own, keeps its
//! log private, and leaves nothing behind. Needs DynamoDB Local installed
//! (`scripts/install-dynamodb-local`); skipped, saying so, when it is not.

use std::io::Write;
use std::net::TcpListener;

use dynamap::local::DynamoDbLocal;
use dynamap::Error;

fn installed(test: &str) -> bool {
    let there = DynamoDbLocal::default_install_dir()
        .join("DynamoDBLocal.jar")
        .is_file();
    if !there {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: DynamoDB Local is not installed (scripts/install-dynamodb-local)"
        );
    }
    there
}

#[test]
fn a_port_another_server_holds_is_refused_not_used() {
    if !installed("a_port_another_server_holds_is_refused_not_used") {
        return;
    }
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = other.local_addr().unwrap().port();
    let err = DynamoDbLocal::builder().port(port).start().unwrap_err();
    assert!(
        matches!(&err, Error::Local(m) if m.contains("already in use")),
        "{err:?}"
    );
}

#[test]
fn the_log_is_private_and_gone_after_drop() {
    if !installed("the_log_is_private_and_gone_after_drop") {
        return;
    }
    let server = DynamoDbLocal::start().unwrap();
    let dir = server.log_dir().to_owned();
    assert!(dir.is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    let endpoint = server.endpoint().trim_start_matches("http://").to_owned();
    assert!(
        std::net::TcpStream::connect(&endpoint).is_ok(),
        "the server answers at its endpoint `{endpoint}`"
    );
    drop(server);
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(
        std::net::TcpStream::connect(&endpoint).is_err(),
        "the server still answers after drop"
    );
}

#[test]
fn a_server_that_cannot_start_says_why_from_its_log() {
    if !installed("a_server_that_cannot_start_says_why_from_its_log") {
        return;
    }
    // Java refuses the heap size before DynamoDB Local starts: the error quotes it.
    let err = DynamoDbLocal::builder().max_heap("1z").start().unwrap_err();
    assert!(
        matches!(&err, Error::Local(m) if m.contains("java exited") && m.contains("server log:") && m.to_lowercase().contains("heap")),
        "{err:?}"
    );
}

#[test]
fn the_install_folder_and_server_kind_follow_the_environment() {
    let dir = DynamoDbLocal::default_install_dir();
    match std::env::var_os("DYNAMODB_LOCAL_DIR") {
        Some(set) => assert_eq!(dir, std::path::PathBuf::from(set)),
        None => {
            assert!(dir.is_absolute(), "{}", dir.display());
            assert!(dir.ends_with("dynamap/dynamodb-local"), "{}", dir.display());
        }
    }
    use dynamap::local::{LocalServer, ServerKind};
    let expected = match std::env::var("DYNAMAP_SERVER").as_deref() {
        Ok("dynamodb-local") => ServerKind::DynamoDbLocal,
        // The tests build dynamap with its embedded server: the default.
        Ok("embedded") | Ok("") | Err(_) => ServerKind::Embedded,
        Ok(other) => panic!("DYNAMAP_SERVER={other}"),
    };
    assert_eq!(LocalServer::kind_from_env().unwrap(), expected);
    assert_eq!(ServerKind::Embedded.to_string(), "embedded");
    assert_eq!(ServerKind::DynamoDbLocal.to_string(), "dynamodb-local");
    assert_eq!(ServerKind::External.to_string(), "external");
    let server = LocalServer::start(ServerKind::Embedded).unwrap();
    let endpoint = server.endpoint().to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    // It serves: a request gets an answer (a listening socket alone would not say).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = dynamap::connect().local(endpoint.clone()).await.unwrap();
        let tables = client.list_tables().send().await;
        assert!(
            tables.is_ok(),
            "the embedded server answers at {endpoint}: {tables:?}"
        );
    });
    // Dropped, it has stopped: nothing listens there any more.
    drop(server);
    let address = endpoint.trim_start_matches("http://");
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "the embedded server still answers after drop"
    );
}

#[test]
fn a_server_not_up_within_its_startup_timeout_is_an_error() {
    if !installed("a_server_not_up_within_its_startup_timeout_is_an_error") {
        return;
    }
    // Java takes far longer than a millisecond to start.
    let err = DynamoDbLocal::builder()
        .startup_timeout(std::time::Duration::from_millis(1))
        .start()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Local(m) if m.contains("no connection on port")),
        "{err:?}"
    );
}
