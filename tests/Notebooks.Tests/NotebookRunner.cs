using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace KernelSim.Notebooks.Tests;

/// <summary>One cell's result: its index among the notebook's cells, its outputs (mime type → text) and its errors.</summary>
public sealed record CellResult(int Index, string Code, IReadOnlyList<(string MimeType, string Value)> Outputs, IReadOnlyList<string> Errors);

/// <summary>
/// Runs a .ipynb in-process the way the dotnet-interactive tool does for a C# notebook: a composite kernel with a C#
/// kernel, <c>#r "nuget:"</c> and <c>#i</c> through PackageManagement, resolved package assemblies referenced and
/// loadable, and the kernel extensions of resolved packages (IKernelExtension types under
/// <c>interactive-extensions/dotnet</c>) loaded. Cells run in order in the notebook's folder; the run stops at the
/// first cell that fails (CommandFailed or an error diagnostic).
/// </summary>
public static class NotebookRunner
{
    private static readonly ConcurrentDictionary<string, string> ResolvedAssemblies = new(StringComparer.OrdinalIgnoreCase);
    private static int _resolverInstalled;

    public static async Task<IReadOnlyList<CellResult>> RunAsync(string notebookPath, CancellationToken cancellationToken)
    {
        InstallResolver();
        var kernelInfos = new KernelInfoCollection { new("csharp", "C#", ["c#", "cs"]) };
        InteractiveDocument document;
        await using (FileStream stream = File.OpenRead(notebookPath))
        {
            document = Notebook.Read(stream, kernelInfos);
        }

        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
        var csharp = new CSharpKernel().UseKernelHelpers().UseNugetDirective(LoadPackagesAsync, forceRestore: false);
        using var kernel = new CompositeKernel { csharp }.UseValueSharing();
        kernel.DefaultKernelName = csharp.Name;

        var results = new List<CellResult>();
        int index = -1;
        foreach (InteractiveDocumentElement cell in document.Elements)
        {
            index++;
            if (cell.KernelName is not ("csharp" or "C#" or null) || string.IsNullOrWhiteSpace(cell.Contents))
            {
                continue;
            }

            KernelCommandResult result = await kernel.SendAsync(new SubmitCode(cell.Contents, csharp.Name), cancellationToken);
            var outputs = new List<(string, string)>();
            var errors = new List<string>();
            foreach (KernelEvent e in result.Events)
            {
                switch (e)
                {
                    case CommandFailed failed:
                        errors.Add(failed.Message);
                        break;
                    case DiagnosticsProduced d:
                        errors.AddRange(d.Diagnostics.Where(x => x.Severity == DiagnosticSeverity.Error).Select(x => $"{x.Code} {x.LinePositionSpan}: {x.Message}"));
                        break;
                    case DisplayEvent display:
                        outputs.AddRange(display.FormattedValues.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => (v.MimeType, v.Value)));
                        break;
                }
            }

            results.Add(new CellResult(index, cell.Contents, outputs, errors.Distinct().ToList()));
            if (errors.Count > 0)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>Writes a copy of the notebook with the outputs of a run (for people to look at; the committed notebooks have none).</summary>
    public static void WriteExecuted(string notebookPath, IReadOnlyList<CellResult> results, string outputPath)
    {
        JsonNode notebook = JsonNode.Parse(File.ReadAllText(notebookPath))!;
        JsonArray cells = notebook["cells"]!.AsArray();
        foreach (CellResult r in results)
        {
            var outputs = new JsonArray();
            foreach ((string mime, string value) in r.Outputs)
            {
                outputs.Add(new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { [mime] = value }, ["metadata"] = new JsonObject() });
            }

            foreach (string error in r.Errors)
            {
                outputs.Add(new JsonObject { ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = error, ["traceback"] = new JsonArray() });
            }

            cells[r.Index]!["outputs"] = outputs;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        File.WriteAllText(outputPath, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
    }

    // What the dotnet-interactive tool does with resolved packages: reference their assemblies, make them loadable,
    // and load the kernel extensions they ship.
    private static async Task LoadPackagesAsync(CSharpKernel kernel, IReadOnlyList<ResolvedPackageReference> packages)
    {
        foreach (ResolvedPackageReference package in packages)
        {
            foreach (string path in package.AssemblyPaths)
            {
                ResolvedAssemblies[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
        foreach (ResolvedPackageReference package in packages)
        {
            string extensions = Path.Combine(package.PackageRoot, "interactive-extensions", "dotnet");
            if (!Directory.Exists(extensions))
            {
                continue;
            }

            foreach (string dll in Directory.GetFiles(extensions, "*.dll"))
            {
                Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
                foreach (Type type in assembly.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
                {
                    var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                    await extension.OnLoadAsync(kernel);
                }
            }
        }
    }

    private static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
        {
            // A name already loaded (another version of it) is left unresolved, as in the tool: one copy per process.
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                name.Name is not null && ResolvedAssemblies.TryGetValue(name.Name, out string? path)
                    && !context.Assemblies.Any(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase))
                    ? context.LoadFromAssemblyPath(path)
                    : null;
        }
    }
}
