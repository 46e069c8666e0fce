package io.hearth.cli;

import java.util.List;

/**
 * A command with subcommands. They are listed here rather than in the {@code @Command} annotation so that
 * {@link CommandTree} can add only the one a command line names.
 */
public interface CommandGroup {
    /** The subcommands' classes, in the order help lists them. */
    List<Class<?>> subcommands();
}
