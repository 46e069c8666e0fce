package io.hearth.service.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses oslo.policy's check strings: {@code role:X}, {@code rule:Y}, {@code KEY:VALUE}, {@code @}, {@code !} and the
 * empty string, joined with {@code or}, {@code and}, {@code not} and parentheses ({@code not} binds tightest, then
 * {@code and}, then {@code or}). Unlike oslo.policy, which logs a bad rule and denies, a bad rule is refused with the
 * reason, so a typo in a policy file stops the service at start instead of silently denying.
 */
public final class RuleParser {
    private final String text;
    private final List<String> tokens;
    private int next;

    private RuleParser(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** @throws PolicyException when the check string is malformed */
    public static Rule parse(String text) {
        if (text.isBlank()) {
            return new Rule.Constant(true);
        }
        RuleParser parser = new RuleParser(text);
        Rule rule = parser.or();
        if (parser.next < parser.tokens.size()) {
            throw parser.error("unexpected '" + parser.tokens.get(parser.next) + "'");
        }
        return rule;
    }

    private Rule or() {
        List<Rule> terms = new ArrayList<>(List.of(and()));
        while (accept("or")) {
            terms.add(and());
        }
        return terms.size() == 1 ? terms.getFirst() : new Rule.Or(List.copyOf(terms));
    }

    private Rule and() {
        List<Rule> terms = new ArrayList<>(List.of(not()));
        while (accept("and")) {
            terms.add(not());
        }
        return terms.size() == 1 ? terms.getFirst() : new Rule.And(List.copyOf(terms));
    }

    private Rule not() {
        return accept("not") ? new Rule.Not(not()) : atom();
    }

    private Rule atom() {
        if (next >= tokens.size()) {
            throw error("a check is missing at the end");
        }
        String token = tokens.get(next++);
        if (token.equals("(")) {
            Rule inner = or();
            if (!accept(")")) {
                throw error("'(' is not closed");
            }
            return inner;
        }
        return check(token);
    }

    private Rule check(String token) {
        switch (token) {
            case "@" -> {
                return new Rule.Constant(true);
            }
            case "!" -> {
                return new Rule.Constant(false);
            }
            case ")", "or", "and", "not" -> throw error("a check is missing before '" + token + "'");
            default -> {
                int colon = token.indexOf(':');
                if (colon <= 0 || colon == token.length() - 1) {
                    throw error("'" + token + "' is not a check (role:NAME, rule:NAME, KEY:VALUE, @ or !)");
                }
                String kind = token.substring(0, colon);
                String value = token.substring(colon + 1);
                return switch (kind) {
                    case "role" -> new Rule.HasRole(value.toLowerCase(Locale.ROOT));
                    case "rule" -> new Rule.RuleRef(value);
                    default -> new Rule.Matches(kind, value);
                };
            }
        }
    }

    private boolean accept(String token) {
        if (next < tokens.size() && tokens.get(next).equals(token)) {
            next++;
            return true;
        }
        return false;
    }

    private PolicyException error(String reason) {
        return new PolicyException("Policy rule \"" + text + "\" is malformed: " + reason + ".");
    }

    private static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int close = text.indexOf(')', i);
            if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '(' && close > 0) {
                // %(NAME)s names a target field: its parentheses are part of the word.
                word.append(text, i, close + 1);
                i = close;
            } else if (c == '(' || c == ')' || Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    tokens.add(word.toString());
                    word.setLength(0);
                }
                if (!Character.isWhitespace(c)) {
                    tokens.add(String.valueOf(c));
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
