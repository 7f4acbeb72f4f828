// The Studio's flowchart canvas: AntV X6 with plain SVG shapes (one <g> per activity, no framework component per
// node), so a 200-activity workflow renders in a few hundred milliseconds. The canvas owns the flowchart while it
// is edited: each node's data holds its activity (inputs, stage, ...) so undo/redo and copy/paste cover property
// edits too. Blazor talks to it through the object createDesigner returns.
import { Graph, NodeView, Selection, Snapline, Keyboard, Clipboard, History, MiniMap, Dnd } from '@antv/x6';
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';

const NODE_WIDTH = 220;
const HEADER_HEIGHT = 44;
const PORT_GAP = 20;
const MIN_HEIGHT = 56;
// Up to this many cells the designer opens fitted to the screen; beyond, at 80% from the top left.
const FIT_LIMIT = 80;
const LARGE_SCALE = 0.8;
// Below this zoom an activity's name cannot be read: a diagram that only fits smaller opens at this zoom instead.
const READABLE_SCALE = 0.75;

const CATEGORY_COLORS = {
  Control: '#6A1B9A',
  Perforce: '#0D47A1',
  Primitives: '#00695C',
  Flow: '#6A1B9A',
};

// Colours keep a contrast of at least 4.5:1 with the node fill for the badge text.
const STATE_STYLES = {
  none: { stroke: '#90A4AE', fill: '#FFFFFF', badge: '' },
  notReached: { stroke: '#B0BEC5', fill: '#FFFFFF', badge: '' },
  running: { stroke: '#1565C0', fill: '#E3F2FD', badge: '● running' },
  waiting: { stroke: '#E65100', fill: '#FFF3E0', badge: '… waiting' },
  done: { stroke: '#2E7D32', fill: '#E8F5E9', badge: '✓ done' },
  failed: { stroke: '#C62828', fill: '#FFEBEE', badge: '✕ failed' },
  cancelled: { stroke: '#616161', fill: '#F5F5F5', badge: '– cancelled' },
};
const BADGE_COLORS = { running: '#0D47A1', waiting: '#8A3A00', done: '#1B5E20', failed: '#B71C1C', cancelled: '#424242' };

Graph.registerNode('p4-activity', {
  inherit: 'rect',
  width: NODE_WIDTH,
  height: MIN_HEIGHT,
  markup: [
    { tagName: 'rect', selector: 'body' },
    { tagName: 'rect', selector: 'accent' },
    { tagName: 'text', selector: 'title' },
    { tagName: 'text', selector: 'subtitle' },
    { tagName: 'text', selector: 'badge' },
  ],
  attrs: {
    body: { refWidth: '100%', refHeight: '100%', rx: 8, ry: 8, fill: '#FFFFFF', stroke: '#90A4AE', strokeWidth: 1.5, cursor: 'move', 'data-state': 'none', 'data-error': 'false' },
    accent: { width: 6, refHeight: '100%', rx: 3, ry: 3, fill: '#0D47A1', pointerEvents: 'none' },
    title: { refX: 16, refY: 10, fontSize: 13, fontWeight: 600, fill: '#1C2833', textAnchor: 'start', textVerticalAnchor: 'top', pointerEvents: 'none' },
    subtitle: { refX: 16, refY: 28, fontSize: 11, fill: '#455A64', textAnchor: 'start', textVerticalAnchor: 'top', pointerEvents: 'none' },
    badge: { refX: '100%', refX2: -10, refY: 10, fontSize: 11, fontWeight: 600, fill: '#455A64', textAnchor: 'end', textVerticalAnchor: 'top', pointerEvents: 'none', text: '' },
  },
  ports: {
    groups: {
      in: {
        position: 'absolute',
        attrs: { circle: { r: 6, magnet: 'passive', stroke: '#546E7A', strokeWidth: 1.5, fill: '#FFFFFF' } },
      },
      out: {
        position: 'absolute',
        label: { position: { name: 'left', args: { x: -10, y: 0 } } },
        attrs: {
          circle: { r: 6, magnet: true, stroke: '#1565C0', strokeWidth: 1.5, fill: '#FFFFFF', cursor: 'crosshair' },
          text: { fontSize: 11, fill: '#263238' },
        },
      },
    },
  },
}, true);

Graph.registerEdge('p4-edge', {
  inherit: 'edge',
  connector: { name: 'smooth' },
  attrs: {
    line: { stroke: '#607D8B', strokeWidth: 1.5, targetMarker: { name: 'block', width: 8, height: 6 } },
  },
  zIndex: 0,
}, true);

// The minimap draws each activity as a bare rectangle and skips edges.
class MiniNodeView extends NodeView {
  renderMarkup() {
    return this.renderJSONMarkup({ tagName: 'rect', selector: 'body' });
  }

  update() {
    super.update({ body: { refWidth: '100%', refHeight: '100%', fill: '#90A4AE' } });
  }
}

function truncate(text, max) {
  if (!text) return '';
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function camel(type) {
  return type.length > 1 && type[0] === 'P' && type[1] === '4' ? 'p4' + type.slice(2) : type[0].toLowerCase() + type.slice(1);
}

export function createDesigner(container, minimapContainer, toolboxSelector, dotnet, optionsJson) {
  performance.mark('p4flow:create');
  const options = JSON.parse(optionsJson);
  const toolbox = toolboxSelector ? document.querySelector(toolboxSelector) : null;
  const readOnly = !!options.readOnly;
  const descriptors = new Map((options.descriptors || []).map(d => [d.type, d]));
  let settings = {};
  let dirty = false;
  let errorIds = new Set();
  let selectedId = null;
  let autosaveTimer = 0;
  let changeTimer = 0;
  let loading = false;

  container.tabIndex = 0;
  container.setAttribute('role', 'application');
  container.setAttribute('aria-label', readOnly ? 'Workflow diagram' : 'Workflow canvas: drag activities here; Delete removes, Ctrl+Z undoes, Ctrl+C/Ctrl+V copy and paste');

  const graph = new Graph({
    container,
    autoResize: true,
    async: false,
    // Only activities on screen are drawn; a large workflow opens at a readable zoom at its top left.
    virtual: true,
    background: { color: '#F7F9FB' },
    grid: { visible: true, size: 10, type: 'dot', args: { color: '#CFD8DC' } },
    panning: { enabled: true, eventTypes: ['leftMouseDown', 'mouseWheel'] },
    mousewheel: { enabled: true, modifiers: ['ctrl', 'meta'], minScale: 0.1, maxScale: 3, factor: 1.1 },
    interacting: readOnly
      ? { nodeMovable: false, magnetConnectable: false, edgeMovable: false, edgeLabelMovable: false, arrowheadMovable: false, vertexMovable: false, vertexAddable: false, vertexDeletable: false }
      : { vertexAddable: false },
    highlighting: {
      magnetAvailable: { name: 'stroke', args: { padding: 3, attrs: { stroke: '#43A047', strokeWidth: 2 } } },
      magnetAdsorbed: { name: 'stroke', args: { padding: 4, attrs: { stroke: '#1565C0', strokeWidth: 3 } } },
    },
    connecting: {
      allowBlank: false,
      allowLoop: true,
      allowNode: true,
      allowEdge: false,
      allowMulti: 'withPort',
      highlight: true,
      // No snapping: a drop anywhere on a node's body connects to it (snapping only looks near port and node centres).
      snap: false,
      anchor: 'center',
      connectionPoint: 'anchor',
      createEdge() {
        return this.createEdge({ shape: 'p4-edge' });
      },
      validateMagnet({ magnet }) {
        return magnet.getAttribute('port-group') === 'out';
      },
      validateConnection({ sourceMagnet, targetMagnet, targetView }) {
        if (!sourceMagnet || sourceMagnet.getAttribute('port-group') !== 'out') return false;
        // Dropped on a port: only the In port takes it. Dropped on a node's body: it goes to that node's In port.
        const group = targetMagnet && targetMagnet.getAttribute('port-group');
        if (group) return group === 'in';
        return !!targetView && targetView.isNodeView();
      },
    },
  });

  // Tests and the benchmark read the graph from the page.
  container.x6graph = graph;

  const history = readOnly ? null : new History({
    enabled: true,
    beforeAddCommand(event, args) {
      if (args && args.options && args.options.ignoreHistory) return false;
      if (args && args.key === 'tools') return false;
      return true;
    },
  });
  const selection = new Selection({
    enabled: true,
    multiple: !readOnly,
    rubberband: !readOnly,
    modifiers: 'shift',
    movable: !readOnly,
    showNodeSelectionBox: true,
    showEdgeSelectionBox: false,
    pointerEvents: 'none',
  });
  graph.use(selection);
  if (history) graph.use(history);
  if (!readOnly) {
    graph.use(new Snapline({ enabled: true }));
    graph.use(new Clipboard({ enabled: true }));
    graph.use(new Keyboard({ enabled: true, global: false }));
  }
  // The minimap is attached after the first load has been drawn: it then renders itself in animation frames.
  let minimap = null;
  function attachMinimap() {
    if (minimap || !minimapContainer) return;
    minimap = new MiniMap({
      container: minimapContainer,
      width: 200,
      height: 130,
      padding: 10,
      graphOptions: {
        async: true,
        createCellView(cell) {
          return cell.isEdge() ? null : MiniNodeView;
        },
      },
    });
    graph.use(minimap);
  }

  // --- nodes -------------------------------------------------------------------------------------------------

  function outcomesOf(activity, extraPorts) {
    const descriptor = descriptors.get(activity.type);
    const outcomes = descriptor ? [...descriptor.outcomes] : ['Done'];
    for (const port of extraPorts || []) if (!outcomes.includes(port)) outcomes.push(port);
    return outcomes;
  }

  function sizeFor(outcomes) {
    const labelled = outcomes.length > 1 || outcomes[0] !== 'Done';
    return labelled ? Math.max(MIN_HEIGHT, HEADER_HEIGHT + outcomes.length * PORT_GAP + 4) : MIN_HEIGHT;
  }

  function labelAttrs(activity) {
    const descriptor = descriptors.get(activity.type);
    const stage = activity.stage || (descriptor && descriptor.stage) || '';
    const kind = descriptor ? descriptor.displayName : activity.type + ' (unknown type)';
    return {
      body: { 'data-activity': activity.id, role: 'img', 'aria-label': (activity.name || kind) + (stage ? ', stage ' + stage : '') },
      accent: { fill: descriptor ? (CATEGORY_COLORS[descriptor.category] || '#37474F') : '#C62828' },
      title: { text: truncate(activity.name || kind, 26) },
      subtitle: { text: truncate(stage ? stage + ' · ' + kind : kind, 34) },
    };
  }

  function portItems(outcomes, height) {
    const labelled = outcomes.length > 1 || outcomes[0] !== 'Done';
    const items = [{ id: 'In', group: 'in', args: { x: 0, y: height / 2 } }];
    outcomes.forEach((outcome, i) => {
      const y = labelled ? HEADER_HEIGHT + i * PORT_GAP + PORT_GAP / 2 : height / 2;
      items.push(labelled ? { id: outcome, group: 'out', args: { x: '100%', y }, attrs: { text: { text: outcome } } } : { id: outcome, group: 'out', args: { x: '100%', y } });
    });
    return items;
  }

  function nodeConfig(activity, position, extraPorts) {
    const outcomes = outcomesOf(activity, extraPorts);
    const height = sizeFor(outcomes);
    const activityData = { ...activity };
    delete activityData.metadata?.designer?.position;
    return {
      id: activity.id,
      shape: 'p4-activity',
      x: position ? position.x : 0,
      y: position ? position.y : 0,
      width: NODE_WIDTH,
      height,
      data: { activity: activityData },
      attrs: isPlainStyle(activity.id) ? labelAttrs(activity) : mergeAttrs(labelAttrs(activity), styleAttrs(activity.id)),
      ports: { items: portItems(outcomes, height) },
    };
  }

  function activityOf(node) {
    return node.getData().activity;
  }

  function nodeByActivityId(id) {
    return graph.getNodes().find(n => activityOf(n).id === id) || null;
  }

  function usedIds() {
    return new Set(graph.getNodes().map(n => activityOf(n).id));
  }

  function uniqueId(base, taken) {
    const stem = base.replace(/\d+$/, '') || 'activity';
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(stem + i)) return stem + i;
  }

  function newActivity(type) {
    const descriptor = descriptors.get(type);
    const id = uniqueId(camel(type), usedIds());
    const inputs = {};
    return { id, type, name: descriptor ? descriptor.displayName : type, inputs };
  }

  // --- change tracking -----------------------------------------------------------------------------------------

  function notifyChanged() {
    if (loading || readOnly) return;
    dirty = true;
    clearTimeout(changeTimer);
    changeTimer = setTimeout(() => {
      dotnet.invokeMethodAsync('OnCanvasChanged', history ? history.canUndo() : false, history ? history.canRedo() : false);
    }, 60);
    scheduleAutosave();
  }

  function scheduleAutosave() {
    if (!options.draftKey || readOnly) return;
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(saveDraftNow, 400);
  }

  function saveDraftNow() {
    if (!options.draftKey || !dirty) return;
    try {
      localStorage.setItem(options.draftKey, JSON.stringify({ savedAt: new Date().toISOString(), baseVersion: options.baseVersion, definition: buildDefinition() }));
    } catch {
      // A full or disabled localStorage only loses the safety net, not the edit.
    }
  }

  function notifySelection() {
    const cells = selection.getSelectedCells();
    const nodes = cells.filter(c => c.isNode());
    const node = nodes.length === 1 && cells.length === 1 ? nodes[0] : null;
    selectedId = node ? node.id : null;
    dotnet.invokeMethodAsync('OnCanvasSelection', node ? node.id : null, node ? JSON.stringify(activityOf(node)) : null, cells.length);
  }

  if (history) history.on('change', ({ cmds }) => { if (cmds !== null) notifyChanged(); });
  graph.on('selection:changed', () => notifySelection());
  graph.on('node:change:data', ({ node, options: o }) => {
    if (o && o.ignoreHistory) return;
    node.attr(labelAttrs(activityOf(node)), { ignoreHistory: true });
    applyNodeStyle(node);
    if (node.id === selectedId) notifySelection();
  });
  graph.on('edge:connected', ({ edge }) => {
    const target = edge.getTarget();
    if (target && target.cell && target.port !== 'In') edge.setTarget({ cell: target.cell, port: 'In' });
  });
  if (readOnly) graph.on('blank:click', () => selection.clean());
  // The zoom, for people's tools and the tests: data-zoom on the canvas.
  graph.on('scale', ({ sx }) => { container.dataset.zoom = sx.toFixed(2); });
  container.addEventListener('mousedown', () => container.focus({ preventScroll: true }));

  // --- commands ------------------------------------------------------------------------------------------------

  function fit() {
    if (graph.getNodes().length === 0) return;
    graph.zoomToFit({ padding: 40, maxScale: 1 });
  }

  // Opens the diagram fitted when it fits at a readable size; otherwise at a readable zoom, at its start (the
  // designer) or, for a job, centred on the activity the job is at (see focusActivity).
  let fitted = true;
  function openReadable() {
    if (graph.getNodes().length === 0) return;
    const box = graph.getContentBBox();
    const scale = Math.min((container.clientWidth - 80) / Math.max(box.width, 1), (container.clientHeight - 80) / Math.max(box.height, 1), 1);
    fitted = scale >= READABLE_SCALE;
    if (fitted) {
      fit();
      return;
    }
    graph.zoomTo(READABLE_SCALE);
    // The content's left edge 24 px inside the canvas, its middle at the canvas's middle.
    graph.translate(24 - box.x * READABLE_SCALE, container.clientHeight / 2 - (box.y + box.height / 2) * READABLE_SCALE);
  }

  function layout() {
    const g = new graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(() => ({}));
    const nodes = graph.getNodes();
    nodes.forEach(n => g.setNode(n.id, { width: n.getSize().width, height: n.getSize().height }));
    graph.getEdges().forEach(e => {
      const s = e.getSourceCellId();
      const t = e.getTargetCellId();
      if (s && t && s !== t) g.setEdge(s, t);
    });
    dagreLayout(g);
    graph.batchUpdate('layout', () => {
      nodes.forEach(n => {
        const p = g.node(n.id);
        if (p) n.position(Math.round(p.x - p.width / 2), Math.round(p.y - p.height / 2));
      });
    });
  }

  function addActivity(type, point) {
    if (readOnly) return null;
    const activity = newActivity(type);
    const area = graph.getGraphArea();
    // Successive adds step down and right so they do not stack on one spot.
    const step = (graph.getNodes().length % 8) * 16;
    const at = point || { x: Math.round(area.x + area.width / 2 - NODE_WIDTH / 2 + step), y: Math.round(area.y + area.height / 2 - MIN_HEIGHT / 2 + step) };
    const node = graph.addNode(nodeConfig(activity, at));
    selection.reset(node);
    return node;
  }

  function removeSelection() {
    const cells = selection.getSelectedCells();
    if (cells.length) graph.removeCells(cells);
  }

  function copy() {
    const cells = selection.getSelectedCells();
    if (cells.length) graph.copy(cells);
  }

  function paste() {
    if (graph.isClipboardEmpty()) return;
    graph.startBatch('paste');
    const cells = graph.paste({ offset: 32 });
    const taken = new Set(graph.getNodes().filter(n => !cells.includes(n)).map(n => activityOf(n).id));
    for (const cell of cells) {
      if (!cell.isNode()) continue;
      const activity = { ...activityOf(cell) };
      activity.id = uniqueId(activity.id, taken);
      taken.add(activity.id);
      cell.setData({ activity }, { overwrite: true });
    }
    graph.stopBatch('paste');
    selection.reset(cells);
  }

  function undo() { if (history && history.canUndo()) history.undo(); }
  function redo() { if (history && history.canRedo()) history.redo(); }

  if (!readOnly) {
    graph.bindKey(['meta+z', 'ctrl+z'], () => { undo(); return false; });
    graph.bindKey(['meta+shift+z', 'ctrl+shift+z', 'meta+y', 'ctrl+y'], () => { redo(); return false; });
    graph.bindKey(['meta+c', 'ctrl+c'], () => { copy(); return false; });
    graph.bindKey(['meta+x', 'ctrl+x'], () => { copy(); removeSelection(); return false; });
    graph.bindKey(['meta+v', 'ctrl+v'], () => { paste(); return false; });
    graph.bindKey(['delete', 'backspace'], () => { removeSelection(); return false; });
    graph.bindKey(['meta+a', 'ctrl+a'], () => { selection.reset(graph.getCells()); return false; });
    graph.bindKey(['ctrl+=', 'meta+=', 'ctrl+plus'], () => { graph.zoom(0.1); return false; });
    graph.bindKey(['ctrl+-', 'meta+-'], () => { graph.zoom(-0.1); return false; });
    graph.bindKey('shift+1', () => { fit(); return false; });
    graph.bindKey('alt+l', () => { layout(); fit(); return false; });
    graph.bindKey('escape', () => { selection.clean(); return false; });
  }

  // Toolbox items (rendered by Blazor) are dragged onto the canvas with X6's Dnd.
  const dnd = readOnly ? null : new Dnd({
    target: graph,
    scaled: false,
    getDragNode: node => node.clone({ keepId: true }),
    getDropNode: node => node.clone({ keepId: true }),
  });
  // The drag starts once the pointer has moved a little, so that a plain click (or Enter) still adds at the centre.
  function onToolboxMouseDown(down) {
    const item = down.target.closest('[data-activity-type]');
    if (!item || down.button !== 0) return;
    const type = item.getAttribute('data-activity-type');
    const move = e => {
      if (Math.abs(e.clientX - down.clientX) + Math.abs(e.clientY - down.clientY) < 5) return;
      stop();
      e.preventDefault();
      dnd.start(graph.createNode(nodeConfig(newActivity(type))), e);
    };
    const stop = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', stop);
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', stop);
  }
  if (toolbox && dnd) toolbox.addEventListener('mousedown', onToolboxMouseDown);
  graph.on('node:added', ({ node, options: o }) => {
    // A node dropped from the toolbox: select it so its properties open.
    if (!loading && !readOnly && o && o.stencil !== undefined) selection.reset(node);
  });

  // --- styling: validation errors and job states ---------------------------------------------------------------

  const states = new Map();

  function mergeAttrs(a, b) {
    const out = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = { ...(out[key] || {}), ...value };
    return out;
  }

  // A node with no state and no error is drawn with the shape's defaults: nothing to merge (200 nodes open faster).
  function isPlainStyle(id) {
    return !options.showStates && !states.has(id) && !errorIds.has(id);
  }

  function applyNodeStyle(node) {
    node.attr(styleAttrs(activityOf(node).id), { ignoreHistory: true });
  }

  function styleAttrs(id) {
    const state = states.get(id) || (options.showStates ? 'notReached' : 'none');
    const style = STATE_STYLES[state] || STATE_STYLES.none;
    const hasError = errorIds.has(id);
    return {
      body: {
        stroke: hasError ? '#C62828' : style.stroke,
        strokeWidth: hasError ? 2.5 : 1.5,
        strokeDasharray: hasError ? '6 3' : null,
        fill: style.fill,
        'data-state': state,
        'data-error': hasError ? 'true' : 'false',
      },
      badge: {
        text: hasError ? '⚠ error' : style.badge,
        fill: hasError ? '#B71C1C' : (BADGE_COLORS[state] || '#455A64'),
      },
    };
  }

  // --- the document ------------------------------------------------------------------------------------------------

  function buildDefinition() {
    const idOf = new Map(graph.getNodes().map(n => [n.id, activityOf(n).id]));
    const activities = graph.getNodes().map(n => {
      const activity = structuredClone(activityOf(n));
      const p = n.getPosition();
      const metadata = activity.metadata || {};
      metadata.designer = { ...(metadata.designer || {}), position: { x: Math.round(p.x), y: Math.round(p.y) } };
      activity.metadata = metadata;
      return activity;
    });
    const connections = graph.getEdges()
      .filter(e => e.getSourceCellId() && e.getTargetCellId())
      .map(e => ({
        source: { activity: idOf.get(e.getSourceCellId()), port: e.getSourcePortId() || 'Done' },
        target: { activity: idOf.get(e.getTargetCellId()), port: 'In' },
      }));
    return { ...settings, root: { type: 'Flowchart', activities, connections } };
  }

  function load(definitionJson, keepHistory) {
    performance.mark('p4flow:load-start');
    const definition = JSON.parse(definitionJson);
    const root = definition.root || { activities: [], connections: [] };
    settings = { ...definition };
    delete settings.root;
    loading = true;
    const usedPorts = new Map();
    for (const c of root.connections || []) {
      const ports = usedPorts.get(c.source.activity) || [];
      ports.push(c.source.port);
      usedPorts.set(c.source.activity, ports);
    }
    const missing = (root.activities || []).filter(a => !a.metadata || !a.metadata.designer || !a.metadata.designer.position);
    const cells = [];
    (root.activities || []).forEach((a, i) => {
      const pos = a.metadata && a.metadata.designer && a.metadata.designer.position;
      cells.push(graph.createNode(nodeConfig(a, pos || { x: 40 + (i % 10) * 260, y: 40 + Math.floor(i / 10) * 110 }, usedPorts.get(a.id))));
    });
    const ids = new Set(cells.map(c => c.id));
    for (const c of root.connections || []) {
      if (!ids.has(c.source.activity) || !ids.has(c.target.activity)) continue;
      cells.push(graph.createEdge({ shape: 'p4-edge', source: { cell: c.source.activity, port: c.source.port }, target: { cell: c.target.activity, port: 'In' } }));
    }
    if (history) history.disable();
    const large = cells.length > FIT_LIMIT && !readOnly;
    const needsLayout = (root.activities || []).length > 1 && missing.length > 0;
    // A large workflow opens at a readable zoom, not fitted: see openReadable.
    if (large) fitted = false;
    if (large && !needsLayout) {
      // Place the viewport first, so that only the activities on screen are drawn at all.
      const xs = cells.filter(c => c.isNode()).map(c => c.getPosition());
      const minX = Math.min(...xs.map(p => p.x));
      const minY = Math.min(...xs.map(p => p.y));
      graph.zoomTo(LARGE_SCALE);
      graph.translate(24 - minX * LARGE_SCALE, 24 - minY * LARGE_SCALE);
      graph.renderer.setRenderArea(graph.getGraphArea().inflate(120, 120));
    }
    graph.resetCells(cells);
    if (history) {
      history.enable();
      if (!keepHistory) history.clean();
    }
    // Positions missing, or made for other node sizes so that nodes overlap: lay out once, outside the undo history.
    if (needsLayout || (!large && (root.activities || []).length > 1 && overlapping())) {
      if (history) history.disable();
      layout();
      if (history) history.enable();
    }
    if (!large) openReadable();
    else if (needsLayout) {
      graph.zoomTo(LARGE_SCALE);
      graph.positionContent('top-left', { padding: 24 });
    }
    loading = false;
    dirty = false;
    performance.mark('p4flow:load-end');
    if (window.requestIdleCallback) requestIdleCallback(attachMinimap, { timeout: 1000 });
    else setTimeout(attachMinimap, 200);
  }

  function overlapping() {
    const boxes = graph.getNodes().map(n => n.getBBox());
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (boxes[i].isIntersectWithRect(boxes[j])) return true;
      }
    }
    return false;
  }

  function setErrors(errorsJson) {
    const errors = JSON.parse(errorsJson);
    errorIds = new Set(errors.filter(e => e.activityId).map(e => e.activityId));
    graph.getNodes().forEach(applyNodeStyle);
  }

  function setStates(statesJson) {
    const changes = JSON.parse(statesJson);
    for (const [id, state] of Object.entries(changes)) {
      states.set(id, state);
      const node = graph.getCellById(id) || nodeByActivityId(id);
      if (node) applyNodeStyle(node);
    }
  }

  // A diagram that did not fit follows the activity (the job's current one) until the person moves it themselves;
  // a fitted one shows it already.
  let moved = false;
  container.addEventListener('wheel', () => { moved = true; }, { passive: true });
  graph.on('blank:mousedown', () => { moved = true; });
  function focusActivity(activityId) {
    const node = !fitted && !moved && nodeByActivityId(activityId);
    if (node) graph.centerCell(node);
  }

  function select(activityId) {
    const node = nodeByActivityId(activityId);
    if (!node) return;
    selection.reset(node);
    const area = graph.getGraphArea();
    const bbox = node.getBBox();
    if (!area.containsRect(bbox)) graph.centerCell(node);
  }

  function onBeforeUnload() {
    saveDraftNow();
  }
  window.addEventListener('beforeunload', onBeforeUnload);

  // A draft this browser kept for the definition (unsaved edits), or null.
  function readDraft() {
    if (!options.draftKey) return null;
    try {
      const text = localStorage.getItem(options.draftKey);
      const draft = text && JSON.parse(text);
      return draft && draft.definition ? draft : null;
    } catch {
      return null;
    }
  }

  return {
    // Loads the definition, or the unsaved draft of it this browser kept; returns the draft's {savedAt, baseVersion} when it used one.
    load(definitionJson, preferDraft) {
      const draft = preferDraft ? readDraft() : null;
      if (draft) {
        const stored = JSON.parse(definitionJson);
        const merged = { ...draft.definition, definitionId: stored.definitionId, version: stored.version, isPublished: stored.isPublished, isLatest: stored.isLatest };
        load(JSON.stringify(merged), false);
        dirty = true;
        return JSON.stringify({ savedAt: draft.savedAt, baseVersion: draft.baseVersion });
      }
      load(definitionJson, false);
      return null;
    },
    getDefinition() { return JSON.stringify(buildDefinition()); },
    setSettings(settingsJson) {
      settings = JSON.parse(settingsJson);
      delete settings.root;
      notifyChanged();
    },
    updateActivity(nodeId, activityJson) {
      const node = graph.getCellById(nodeId);
      if (!node) return;
      node.setData({ activity: JSON.parse(activityJson) }, { overwrite: true });
    },
    addActivity(type) { const node = addActivity(type); return node ? node.id : null; },
    setErrors,
    setStates,
    focusActivity,
    select,
    command(name) {
      switch (name) {
        case 'undo': undo(); break;
        case 'redo': redo(); break;
        case 'zoomIn': graph.zoom(0.1); break;
        case 'zoomOut': graph.zoom(-0.1); break;
        case 'fit': fit(); break;
        case 'layout': layout(); fit(); break;
        case 'copy': copy(); break;
        case 'paste': paste(); break;
        case 'delete': removeSelection(); break;
        case 'selectAll': selection.reset(graph.getCells()); break;
      }
    },
    markSaved() {
      dirty = false;
      clearTimeout(autosaveTimer);
      if (options.draftKey) localStorage.removeItem(options.draftKey);
    },
    nodeCount() { return graph.getNodes().length; },
    dispose() {
      clearTimeout(autosaveTimer);
      clearTimeout(changeTimer);
      window.removeEventListener('beforeunload', onBeforeUnload);
      if (toolbox) toolbox.removeEventListener('mousedown', onToolboxMouseDown);
      graph.dispose();
    },
  };
}
