/**
 * The {@code ferry} command line. Built-in and third-party plugins are not required here: the
 * runtime finds them with ServiceLoader, in the boot layer and in plugin directories.
 */
module dev.ferry.cli {
    requires dev.ferry.runtime;
    requires info.picocli;

    opens dev.ferry.cli to info.picocli;
}
