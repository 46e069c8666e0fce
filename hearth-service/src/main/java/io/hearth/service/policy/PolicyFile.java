package io.hearth.service.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an oslo.policy file: a YAML (or JSON, which is YAML too) mapping of rule names to check strings. */
public final class PolicyFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long MAX_BYTES = 1024 * 1024;

    private PolicyFile() {}

    /** @throws PolicyException when the file is missing, too large, not a mapping or has a malformed rule */
    public static Policy load(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PolicyException("Policy file " + file + " is larger than " + MAX_BYTES + " bytes.");
            }
            JsonNode root = YAML.readTree(Files.readString(file));
            Map<String, String> rules = new LinkedHashMap<>();
            // An empty file (or oslo.policy's sample, all comments) overrides nothing.
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new PolicyException("Policy file " + file + " must map rule names to check strings.");
                }
                for (Map.Entry<String, JsonNode> rule : root.properties()) {
                    if (!rule.getValue().isTextual()) {
                        throw new PolicyException("Policy file " + file + ": rule " + rule.getKey() + " must be a string, not " + rule.getValue() + ".");
                    }
                    rules.put(rule.getKey(), rule.getValue().asText());
                }
            }
            return Policy.of(rules);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PolicyException("Policy file " + file + " does not exist: create it or correct [oslo_policy] policy_file.", e);
        } catch (IOException e) {
            throw new PolicyException("Policy file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (PolicyException e) {
            throw e.getMessage().startsWith("Policy file") ? e : new PolicyException("Policy file " + file + ": " + e.getMessage(), e);
        }
    }
}
