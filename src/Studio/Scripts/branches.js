// The Studio's branch graph: AntV X6, read-only, laid out left to right with dagre. Each node is a branch (its name
// and depot path), each edge a flow between two; a paused edge is drawn dashed and grey, a manual one dashed.
import { Graph } from '@antv/x6';
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';

const NODE_WIDTH = 200;
const NODE_HEIGHT = 52;

function edgeStyle(edge) {
  if (edge.paused) return { stroke: '#757575', dash: '6 4', label: `${edge.flow} · paused` };
  if (edge.blocked) return { stroke: '#B71C1C', dash: '', label: `${edge.blocked} · ${edge.open} open` };
  if (edge.flow === 'manual') return { stroke: '#8A3A00', dash: '4 3', label: 'manual' };
  return { stroke: '#1B5E20', dash: '', label: edge.gate ? `gate: ${edge.gate}` : 'automatic' };
}

/** Draws the graph into container (replacing what was there); returns an object that disposes it. */
export function renderBranchGraph(container, model) {
  container.innerHTML = '';
  const graph = new Graph({
    container,
    // A fixed size (the container's, set by the page's CSS): a resizing canvas would move the table below it.
    width: container.clientWidth || 800,
    height: container.clientHeight || 360,
    interacting: false,
    panning: true,
    mousewheel: { enabled: true, modifiers: ['ctrl', 'meta'] },
    background: { color: '#FAFAFA' },
  });
  for (const node of model.nodes) {
    graph.addNode({
      id: node.name,
      shape: 'rect',
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      attrs: {
        body: { fill: '#FFFFFF', stroke: '#0D47A1', strokeWidth: 1.5, rx: 6, ry: 6 },
        label: { text: `${node.name}\n${node.path}`, fill: '#212121', fontSize: 12, textWrap: { width: NODE_WIDTH - 12, ellipsis: true } },
      },
      data: { branch: node.name },
    });
  }
  for (const edge of model.edges) {
    const style = edgeStyle(edge);
    graph.addEdge({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      attrs: { line: { stroke: style.stroke, strokeWidth: 2, strokeDasharray: style.dash, targetMarker: 'classic' } },
      labels: [{ attrs: { label: { text: style.label, fill: '#212121', fontSize: 11 }, body: { fill: '#FFFFFF' } } }],
      data: { edge: edge.id, paused: edge.paused },
    });
  }
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 120, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  graph.getNodes().forEach(n => g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT }));
  graph.getEdges().forEach(e => g.setEdge(e.getSourceCellId(), e.getTargetCellId()));
  dagreLayout(g);
  graph.getNodes().forEach(n => {
    const p = g.node(n.id);
    n.position(Math.round(p.x - NODE_WIDTH / 2), Math.round(p.y - NODE_HEIGHT / 2));
  });
  if (model.nodes.length > 0) graph.zoomToFit({ padding: 24, maxScale: 1 });
  container.dataset.rendered = String(model.nodes.length);
  return { dispose: () => graph.dispose() };
}
