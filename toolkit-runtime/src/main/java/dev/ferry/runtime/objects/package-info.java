/**
 * Schema objects: the views, triggers, stored routines and events of the moved databases, read
 * from the source and created on the target (views and routines at start, all of them with their
 * final definitions at cutover), with their definers checked before the copy.
 */
package dev.ferry.runtime.objects;
