import { routeGroup, routeGroups } from '../../http/route-groups';
import { cacheStatsFor, pythonCacheRoutes, type PythonCacheRoutesDependencies } from './cache-routes';
import { pythonTaskRoutes } from './task-routes';

/**
 * The admin routes of the Python project that we had under other names
 * (docs/python-compatibility.md §4.1): thin aliases over our batch jobs, media cache and online
 * assets, answering in its request and response shapes so scripts written for it keep working.
 */
export function pythonAdminRoutes(deps: Omit<PythonCacheRoutesDependencies, 'resultContext'>) {
  const withResults: PythonCacheRoutesDependencies = {
    ...deps,
    resultContext: { cacheStats: (counts, scope) => cacheStatsFor(deps, counts, scope) },
  };
  return routeGroups('admin-python-compatible', [
    pythonTaskRoutes(withResults),
    routeGroup({ access: 'admin' }, pythonCacheRoutes(withResults)),
  ]);
}
