/**
 * The operations sidebar as a Node-RED plugin (package.json `node-red.plugins`):
 * this runtime part serves the activity registry over permission-checked admin
 * endpoints and publishes its changes on the comms channel; the editor part,
 * fulfillment-sidebar.html beside this file, adds the sidebar tab. Node-RED 4
 * and 5 load both the same way (plugins since Node-RED 1.3).
 */
import { NodeAPI } from '../runtime/red';
import { activity } from '../runtime/activity';
import { registerActivityAdmin } from '../runtime/activity/admin';

export = function register(RED: NodeAPI): void {
  RED.plugins?.registerPlugin('fulfillment-sidebar', { type: 'fulfillment-sidebar' });
  registerActivityAdmin(RED, activity);
};
