/**
 * Built-in table and copy filters.
 */
module dev.ferry.plugins.filters {
    requires dev.ferry.api;
    requires java.sql;
    requires net.sf.jsqlparser;
    requires com.github.benmanes.caffeine;

    provides dev.ferry.api.filter.TableFilterFactory with
            dev.ferry.plugins.filters.NamesTableFilterFactory;
    provides dev.ferry.api.filter.CopyFilterFactory with
            dev.ferry.plugins.filters.ShardingCopyFilterFactory,
            dev.ferry.plugins.filters.WhereCopyFilterFactory;
}
