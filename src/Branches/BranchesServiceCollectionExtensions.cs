using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Branches.Store;

namespace P4Flow.Branches;

public static class BranchesServiceCollectionExtensions
{
    /// <summary>The branch graph, kept in the SQLite database at <paramref name="sqlitePath"/>, or in memory when it is null.</summary>
    public static IServiceCollection AddBranches(this IServiceCollection services, string? sqlitePath)
    {
        services.AddOptions<BranchesOptions>().BindConfiguration(BranchesOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        if (sqlitePath is null)
        {
            services.AddSingleton<IBranchGraphStore, MemoryBranchGraphStore>();
        }
        else
        {
            services.AddPooledDbContextFactory<BranchDbContext>(o => o.UseSqlite($"Data Source={sqlitePath};Pooling=True;Default Timeout=30"));
            services.AddSingleton<IBranchGraphStore, EfBranchGraphStore>();
        }
        services.AddSingleton<BranchGraphService>();
        services.AddHostedService<BranchesStartup>();
        return services;
    }
}
