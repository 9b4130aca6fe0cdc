package dev.ferry.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestSandboxServers
{
    @TempDir
    Path temp;

    @Test
    void findsRepositoryAboveWorkingDirectory()
            throws IOException
    {
        Path repository = repositoryAt(temp.resolve("repo"));
        Path module = Files.createDirectories(repository.resolve("toolkit-runtime/target"));
        assertEquals(Optional.of(repository), SandboxServers.findRepository(Map.of(), module));
    }

    @Test
    void prefersTheSandboxDirectorysRepository()
            throws IOException
    {
        Path repository = repositoryAt(temp.resolve("repo"));
        Path other = repositoryAt(temp.resolve("other"));
        Map<String, String> environment = Map.of(SandboxServers.SANDBOX_DIR, repository.resolve("target/sandbox").toString());
        assertEquals(Optional.of(repository), SandboxServers.findRepository(environment, other));
    }

    @Test
    void ignoresASandboxDirectoryOutsideARepository()
            throws IOException
    {
        Path repository = repositoryAt(temp.resolve("repo"));
        Map<String, String> environment = Map.of(SandboxServers.SANDBOX_DIR, temp.resolve("elsewhere/target/sandbox").toString());
        assertEquals(Optional.of(repository), SandboxServers.findRepository(environment, repository));
    }

    @Test
    void nothingFound()
            throws IOException
    {
        assertEquals(Optional.empty(), SandboxServers.findRepository(Map.of(), Files.createDirectories(temp.resolve("empty"))));
    }

    private static Path repositoryAt(Path directory)
            throws IOException
    {
        Files.createDirectories(directory.resolve("scripts"));
        Files.writeString(directory.resolve(SandboxServers.SCRIPT), "#!/bin/bash\n");
        return directory;
    }
}
