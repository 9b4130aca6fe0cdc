package dev.ferry.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.copy.CopyContext;
import dev.ferry.runtime.copy.RangePlanner;
import dev.ferry.runtime.objects.ObjectMover;
import dev.ferry.runtime.objects.SchemaObject;
import dev.ferry.runtime.preflight.MovePlan;
import dev.ferry.runtime.preflight.Preflight;
import dev.ferry.runtime.schema.CreationOrder;
import dev.ferry.runtime.schema.DiscoveryPlanner;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.TargetTables;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.RangeState;
import dev.ferry.runtime.verify.TargetWatchSetup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry plan}: connects to both servers, runs every check {@code copydb} runs before it
 * writes (the same {@link Preflight}, discovery and target-table checks), and describes what the
 * run would do. Nothing is written to either server.
 */
public final class MovePlanner
{
    private final PipelinePlugins plugins;
    private final FerryConfig config;

    public MovePlanner(PipelinePlugins plugins)
    {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.config = plugins.config();
    }

    public MovePlan plan()
    {
        List<String> problems = new ArrayList<>();
        Map<String, String> servers = new LinkedHashMap<>();
        String targetWrites = "unknown (the target was not reached)";
        try (HikariDataSource source = DataSources.create(config.source(), "source", 2, true, true);
                HikariDataSource target = DataSources.create(config.target(), "target", 2, true, true)) {
            servers.put("source", config.source().address() + " " + facts(source));
            servers.put("target", config.target().address() + " " + facts(target));
            Preflight preflight = new Preflight(config, source, target);
            problems.addAll(preflight.sourceProblems());
            TargetWatchSetup watch;
            try (Connection connection = target.getConnection()) {
                watch = TargetWatchSetup.probe(config, connection);
            }
            targetWrites = watch.description();
            problems.addAll(preflight.targetWatchProblems(watch));
            DiscoveryPlanner.Discovered discovered;
            try {
                discovered = new DiscoveryPlanner(config, plugins.tableFilter(), plugins.copyFilter(), source, target).discover();
            }
            catch (FerryException e) {
                problems.add(e.getMessage());
                // the other checks still run, so that one plan lists every problem
                problems.addAll(preflight.privilegeProblems(List.of()));
                return new MovePlan(servers, List.of(), List.of(), Map.of(), targetWrites, problems);
            }
            List<TableSchema> tables = discovered.tables();
            problems.addAll(preflight.privilegeProblems(tables.stream().map(t -> t.name().database()).distinct().toList()));
            try {
                tables = CreationOrder.order(tables, config.copy().tableCreationOrder());
            }
            catch (FerryException e) {
                problems.add(e.getMessage());
            }
            problems.addAll(new TargetTables(new SchemaLoader(source), target, config.rewrites(), StatementTag.NONE).check(tables, config.copy().createTargetTables()));
            String writeMethod;
            try {
                writeMethod = CopyContext.resolveWriteMethod(config.copy().writeMethod(), target).configName();
            }
            catch (FerryException e) {
                problems.add(e.getMessage());
                writeMethod = config.copy().writeMethod().configName();
            }
            List<MovePlan.Table> planned = new ArrayList<>();
            RangePlanner ranges = new RangePlanner(source, config.copy().rangeSize(), config.copy().concurrency());
            for (TableSchema table : tables) {
                planned.add(table(source, ranges, table, writeMethod));
            }
            ObjectMover mover = preflight.objectMover(tables);
            Preflight.ObjectsPlan objects = preflight.objects(mover);
            problems.addAll(objects.problems());
            List<String> created = new ArrayList<>();
            for (SchemaObject object : objects.created()) {
                SchemaObject onTarget = mover.forTarget(object);
                String when = ObjectMover.EARLY.contains(object.kind()) ? "at start, refreshed at cutover" : "at cutover";
                created.add(onTarget.describe() + " (" + when + (object.definer() == null ? "" : ", source DEFINER " + object.definer()) + ")");
            }
            return new MovePlan(servers, planned, created, objects.skipped(), targetWrites, problems);
        }
        catch (SQLException e) {
            problems.add("database error: " + e.getMessage());
            return new MovePlan(servers, List.of(), List.of(), Map.of(), targetWrites, problems);
        }
        catch (FerryException e) {
            problems.add(e.getMessage());
            return new MovePlan(servers, List.of(), List.of(), Map.of(), targetWrites, problems);
        }
    }

    private MovePlan.Table table(HikariDataSource source, RangePlanner ranges, TableSchema table, String writeMethod)
            throws SQLException
    {
        long rows = ranges.estimateRows(table);
        long bytes = 0;
        try (Connection connection = source.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT COALESCE(data_length, 0) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            statement.setString(1, table.name().database());
            statement.setString(2, table.name().table());
            try (ResultSet result = statement.executeQuery()) {
                bytes = result.next() ? result.getLong(1) : 0;
            }
        }
        List<String> key = table.paginationKey().isFullCopy() ? null : table.paginationKey().columns().stream().map(Column::name).toList();
        List<String> rangeTexts = new ArrayList<>();
        for (RangeState range : ranges.plan(table, rows, plugins.copyFilter().flatMap(filter -> filter.copyPredicate(table)))) {
            rangeTexts.add("[" + (range.low() == null ? "start" : range.low().toString()) + ", " + (range.high() == null ? "end" : range.high().toString()) + ")");
        }
        List<String> foreignKeys = new ArrayList<>();
        for (ForeignKey foreignKey : table.foreignKeys()) {
            foreignKeys.add(foreignKey.name() + " (" + String.join(", ", foreignKey.columns()) + ") -> " + foreignKey.referencedTable()
                    + (foreignKey.referencedTable().equals(table.name()) ? " (self-reference)" : ""));
        }
        return new MovePlan.Table(table.name().toString(), config.rewrites().apply(table.name()).toString(), rows, bytes, key, rangeTexts,
                writeMethod, foreignKeys);
    }

    private static String facts(HikariDataSource dataSource)
            throws SQLException
    {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT VERSION(), @@GLOBAL.time_zone, @@system_time_zone")) {
            result.next();
            return "(" + SourceServer.flavor(connection).name().toLowerCase(java.util.Locale.ROOT) + " " + result.getString(1)
                    + ", time_zone " + result.getString(2) + ", system time zone " + result.getString(3) + ")";
        }
    }

}
