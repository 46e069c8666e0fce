package io.hearth.cli.doctor;

import io.hearth.cli.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hearth doctor [--config FILE]}: one line per check, exit 1 if any failed. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the configuration, database, message broker, backup target and NBD port, and say what is wrong.",
                "Prints 'OK|FAIL <check>: <detail or what to do>' per check; exits 1 if any check failed. Changes nothing."})
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "hearth.conf to check; without it the defaults are checked.")
    Path config;

    @Override
    public Integer call() {
        List<Check> checks = new Doctor(Optional.ofNullable(config)).run();
        PrintWriter out = spec.commandLine().getOut();
        checks.forEach(check -> out.println(check.line()));
        out.flush();
        return checks.stream().allMatch(Check::ok) ? ExitCodes.OK : ExitCodes.INTERNAL;
    }
}
