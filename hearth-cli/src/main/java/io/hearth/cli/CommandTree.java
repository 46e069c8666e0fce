package io.hearth.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds hearth's picocli command line. Picocli reads a command's annotations, fields and options when the command is
 * added: for all of hearth's commands ~120 ms of a fresh JVM, for one ~60 ms (`hearth repo ls`: 304 -> 261 ms). A command
 * line that names a command gets that command's branch alone; one that names none (help, a typo) gets the whole tree,
 * so picocli's listings and suggestions are the same as ever.
 */
final class CommandTree {
    private CommandTree() {}

    /** Every command. */
    static CommandLine whole(Object root) {
        return build(root, null, 0);
    }

    /** The commands {@code args} names, and at the first level it does not name a subcommand, all below it. */
    static CommandLine forArgs(Object root, String[] args) {
        return build(root, args, 0);
    }

    private static CommandLine build(Object command, String[] args, int depth) {
        CommandLine line = new CommandLine(command);
        if (command instanceof CommandGroup group) {
            String named = args != null && depth < args.length ? args[depth] : null;
            Optional<Class<?>> chosen = group.subcommands().stream().filter(child -> namedBy(child, named)).findFirst();
            for (Class<?> child : chosen.map(List::<Class<?>>of).orElse(group.subcommands())) {
                line.addSubcommand(build(create(child), chosen.isPresent() ? args : null, depth + 1));
            }
        }
        return line;
    }

    private static boolean namedBy(Class<?> command, String name) {
        Command annotation = command.getAnnotation(Command.class);
        return name != null && (annotation.name().equals(name) || Arrays.asList(annotation.aliases()).contains(name));
    }

    private static Object create(Class<?> command) {
        try {
            return CommandLine.defaultFactory().create(command);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create command " + command.getName(), e);
        }
    }
}
