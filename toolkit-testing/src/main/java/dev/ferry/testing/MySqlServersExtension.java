package dev.ferry.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Gives tests real MySQL-family servers: resolves {@link ServerPair} and {@link TestDatabase}
 * parameters. The servers are found once per JVM (see {@code ServerDiscovery}: environment,
 * Testcontainers, then {@code scripts/mysql-sandbox}); when none can be had, every test of the
 * class fails, with a message that says how to get some. It never skips.
 */
public final class MySqlServersExtension
        implements BeforeAllCallback, ParameterResolver, AfterEachCallback, AfterAllCallback
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MySqlServersExtension.class);
    private static final String METHOD_DATABASE = "method-database";
    private static final String CLASS_DATABASE = "class-database";
    private static final String CLASS_FAILED = "class-failed";
    private static final RandomGenerator RANDOM = new SecureRandom();

    @Override
    public void beforeAll(ExtensionContext context)
    {
        DocumentedGrants.ensure(ServerDiscovery.servers());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        Class<?> type = parameterContext.getParameter().getType();
        return type == ServerPair.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context)
    {
        ServerPair servers = ServerDiscovery.servers();
        if (parameterContext.getParameter().getType() == ServerPair.class) {
            return servers;
        }
        boolean perMethod = context.getTestMethod().isPresent();
        String key = perMethod ? METHOD_DATABASE : CLASS_DATABASE;
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestDatabase database = store.get(key, TestDatabase.class);
        if (database == null) {
            String className = context.getRequiredTestClass().getName();
            String methodName = context.getTestMethod().map(Method::getName).orElse(null);
            String name;
            synchronized (RANDOM) {
                name = TestDatabaseNames.generate(className, methodName, RANDOM);
            }
            database = new TestDatabase(name, servers);
            try {
                database.create();
            }
            catch (RuntimeException e) {
                throw new ParameterResolutionException("cannot create test database " + name + ": " + e.getMessage(), e);
            }
            store.put(key, database);
        }
        return database;
    }

    @Override
    public void afterEach(ExtensionContext context)
    {
        boolean failed = context.getExecutionException().isPresent();
        if (failed) {
            context.getParent().ifPresent(parent -> parent.getStore(NAMESPACE).put(CLASS_FAILED, Boolean.TRUE));
        }
        finish(context.getStore(NAMESPACE).remove(METHOD_DATABASE, TestDatabase.class), failed, context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context)
    {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        boolean failed = context.getExecutionException().isPresent() || store.remove(CLASS_FAILED, Boolean.class) != null;
        finish(store.remove(CLASS_DATABASE, TestDatabase.class), failed, context.getDisplayName());
    }

    private static void finish(TestDatabase database, boolean failed, String testName)
    {
        if (database == null) {
            return;
        }
        if (failed) {
            System.err.printf("[ferry-testing] %s failed; kept database %s on %s:%d (source) and %s:%d (target)%n",
                    testName,
                    database.name(),
                    database.source().host(),
                    database.source().port(),
                    database.target().host(),
                    database.target().port());
            return;
        }
        database.drop();
    }
}
