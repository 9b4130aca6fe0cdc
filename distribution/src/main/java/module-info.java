/**
 * The {@code ferry} command line. Built-in and third-party plugins are not required here: the
 * runtime finds them with ServiceLoader, in the boot layer and in plugin directories.
 */
module dev.ferry.cli {
    requires dev.ferry.runtime;
    requires info.picocli;
    requires java.logging;
    // sun.misc.Signal: SIGINT/SIGTERM must stop a run cleanly with exit codes 130/143, which a
    // shutdown hook cannot do (it cannot tell the signals apart or delay the exit to save state)
    requires jdk.unsupported;

    opens dev.ferry.cli to info.picocli;
}
