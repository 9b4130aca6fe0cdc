/**
 * Built-in table and copy filters.
 */
module dev.ferry.plugins.filters {
    requires dev.ferry.api;

    provides dev.ferry.api.filter.TableFilterFactory with
            dev.ferry.plugins.filters.NamesTableFilterFactory;
}
