package io.hearth.cli.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.repository.RepositoryJson;
import java.io.UncheckedIOException;

/** Prints a command's result: one JSON object with --json, else human text. */
final class Output {
    private static final ObjectMapper JSON = RepositoryJson.mapper();

    private Output() {}

    static void print(boolean json, Object result, String text) {
        if (json) {
            try {
                System.out.println(JSON.writeValueAsString(result));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            System.out.println(text);
        }
        System.out.flush();
    }
}
