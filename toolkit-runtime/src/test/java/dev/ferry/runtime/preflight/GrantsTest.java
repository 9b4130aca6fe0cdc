package dev.ferry.runtime.preflight;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrantsTest
{
    private static final List<List<String>> SOURCE = List.of(List.of("SELECT"), List.of("REPLICATION SLAVE"), List.of("BINLOG MONITOR", "REPLICATION CLIENT"));

    @Test
    void findsMissingGlobalPrivilegesWithTheirAlternatives()
    {
        Grants grants = Grants.parse(List.of("GRANT SELECT, RELOAD, REPLICATION CLIENT ON *.* TO `ferry`@`%` IDENTIFIED BY PASSWORD '*AB'"));
        assertEquals(List.of("REPLICATION SLAVE"), grants.missing(SOURCE, List.of()));
    }

    @Test
    void allPrivilegesCoverEverything()
    {
        assertEquals(List.of(), Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`%`")).missing(SOURCE, List.of()));
    }

    @Test
    void acceptsDatabaseGrantsOnEveryMovedDatabase()
    {
        Grants grants = Grants.parse(List.of("GRANT SELECT ON *.* TO `f`@`%`", "GRANT TRIGGER, SHOW VIEW ON `shop`.* TO `f`@`%`"));
        assertEquals(List.of(), grants.missing(List.of(List.of("TRIGGER")), List.of("shop")));
        assertEquals(List.of("TRIGGER"), grants.missing(List.of(List.of("TRIGGER")), List.of("shop", "crm")));
    }

    @Test
    void doesNotJudgeUsersWithRoles()
    {
        Grants grants = Grants.parse(List.of("GRANT `mover` TO `f`@`%`", "GRANT USAGE ON *.* TO `f`@`%`"));
        assertEquals(List.of(), grants.missing(SOURCE, List.of()));
    }
}
