namespace TaskFlow.BuildingBlocks.Storage;

/// <summary>
/// Files on local disk under one root (all-in-one: <c>{DataDir}/files</c>). A put writes a temporary file next to the
/// target and renames it into place, so readers see the old file or the new one, never a partial one.
/// </summary>
public sealed class LocalFileStorage(string root) : IFileStorage
{
    const int BufferSize = 81920;

    public string Root { get; } = Path.GetFullPath(root);

    public async Task<long> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Ends in .tmp, which no valid key does, so a leftover after a crash never shadows an object.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            long length;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken);
                await file.FlushAsync(cancellationToken);
                length = file.Length;
            }
            File.Move(temp, path, overwrite: true);
            return length;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            // FileShare.Delete: a delete or replace while someone downloads does not fail either side.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous);
            return Task.FromResult<StoredFile?>(new StoredFile(stream, stream.Length));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<StoredFile?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        TryDelete(PathOf(key));
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    string PathOf(string key)
    {
        StorageSetup.ValidateKey(key);
        var path = Path.GetFullPath(Path.Combine(Root, key));
        // Belt and braces: the key rules already keep paths inside the root.
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{key}' is not a safe storage key.", nameof(key));
        return path;
    }

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
