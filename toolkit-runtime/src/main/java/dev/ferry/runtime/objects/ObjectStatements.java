package dev.ferry.runtime.objects;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the {@code SHOW CREATE} statements of schema objects for the target. The statements
 * are server-generated, so their layout is fixed: the {@code DEFINER} clause comes before the
 * object's name, and database-qualified references are back-quoted.
 */
public final class ObjectStatements
{
    private static final String IDENTIFIER = "`(?:[^`]|``)*`";
    private static final Pattern DEFINER = Pattern.compile("\\s+DEFINER\\s*=\\s*(?:" + IDENTIFIER + "|'(?:[^']|'')*'|[^\\s@]+)"
            + "(?:@(?:" + IDENTIFIER + "|'(?:[^']|'')*'|[^\\s]+))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUALIFIER = Pattern.compile("(" + IDENTIFIER + ")\\.(?=`)");

    private ObjectStatements() {}

    /**
     * The statement without its {@code DEFINER} clause: the object then gets the creating user as
     * its definer.
     */
    public static String withoutDefiner(String create)
    {
        Matcher matcher = DEFINER.matcher(create);
        if (!matcher.find()) {
            return create;
        }
        return create.substring(0, matcher.start()) + create.substring(matcher.end());
    }

    /**
     * The statement with every back-quoted {@code `db`.} qualifier of a database in
     * {@code databases} (source name to target name) renamed. Only qualifiers followed by a
     * back-quoted name are touched, so unquoted text and string literals without that exact
     * shape are left alone.
     */
    public static String rewriteQualifiers(String create, Map<String, String> databases)
    {
        if (databases.isEmpty()) {
            return create;
        }
        Matcher matcher = QUALIFIER.matcher(create);
        StringBuilder rewritten = new StringBuilder();
        while (matcher.find()) {
            String quoted = matcher.group(1);
            String name = quoted.substring(1, quoted.length() - 1).replace("``", "`");
            String target = databases.get(name);
            matcher.appendReplacement(rewritten, Matcher.quoteReplacement(target == null ? quoted + "." : SchemaObject.quote(target) + "."));
        }
        matcher.appendTail(rewritten);
        return rewritten.toString();
    }

    /**
     * The definition, definer aside, to tell whether two objects are the same.
     */
    public static String definition(String create)
    {
        return withoutDefiner(create).strip();
    }

    /**
     * The {@code user} and {@code host} of a definer reported as {@code user@host}.
     */
    public static Optional<String[]> account(String definer)
    {
        if (definer == null || definer.isEmpty()) {
            return Optional.empty();
        }
        int at = definer.lastIndexOf('@');
        if (at < 0) {
            // a role
            return Optional.empty();
        }
        return Optional.of(new String[] {definer.substring(0, at), definer.substring(at + 1)});
    }
}
