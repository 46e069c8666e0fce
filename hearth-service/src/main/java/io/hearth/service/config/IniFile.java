package io.hearth.service.config;

import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An oslo.config style INI file: {@code [section]}, {@code key = value}, {@code #} and {@code ;} comments. */
public final class IniFile {
    private final Map<String, Map<String, String>> sections;

    private IniFile(Map<String, Map<String, String>> sections) {
        this.sections = sections;
    }

    public static IniFile empty() {
        return new IniFile(Map.of());
    }

    public static IniFile read(Path path) {
        try {
            return parse(Files.readAllLines(path), path.toString());
        } catch (IOException e) {
            throw ServiceException.badRequest("cannot read configuration file " + path + ": " + e.getMessage());
        }
    }

    public static IniFile parse(List<String> lines, String name) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String section = "DEFAULT";
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw ServiceException.badRequest(name + " line " + number + ": a section header must end with ']'");
                }
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw ServiceException.badRequest(name + " line " + number + ": expected 'option = value', found '" + line + "'");
            }
            sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                    .put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
        }
        return new IniFile(sections);
    }

    public Optional<String> get(String section, String key) {
        return Optional.ofNullable(sections.getOrDefault(section, Map.of()).get(key));
    }

    /** Every option of a section, in file order; empty if the section is absent. */
    public Map<String, String> section(String section) {
        return Map.copyOf(sections.getOrDefault(section, Map.of()));
    }
}
