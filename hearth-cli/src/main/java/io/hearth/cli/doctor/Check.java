package io.hearth.cli.doctor;

/** One line of {@code hearth doctor}: a check, whether it passed, and what was found or what to do. */
public record Check(String name, boolean ok, String detail) {
    public static Check ok(String name, String detail) {
        return new Check(name, true, detail);
    }

    public static Check fail(String name, String whatToDo) {
        return new Check(name, false, whatToDo);
    }

    /** One line whatever the detail holds (drivers' messages span several). */
    public String line() {
        return (ok ? "OK   " : "FAIL ") + name + ": " + detail.strip().replaceAll("\\s+", " ");
    }
}
